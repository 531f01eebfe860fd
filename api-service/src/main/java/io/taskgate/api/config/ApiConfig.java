package io.taskgate.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every setting of the api-service and its default, in one place. */
@ConfigMapping(prefix = "taskgate.api")
public interface ApiConfig {

    Tasks tasks();

    Sockets sockets();

    Idempotency idempotency();

    Admin admin();

    Health health();

    Auth auth();

    Limits limits();

    Admission admission();

    /**
     * Request rates, counted in Redis so that every api instance enforces the same budget. Each
     * budget is a quota per {@link #window()}, refilled evenly (a request's cost returns after
     * window/quota): a key may burst to its whole quota, then goes at the quota's pace. Zero
     * turns a budget off.
     */
    interface Limits {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("1s")
        Duration window();

        /**
         * Credentials that failed to authenticate one client address may send per
         * {@code failed-auth-window}, counted across instances; past it the address is refused
         * with 429 for every credential until its budget refills, so guessing keys costs the
         * key store nothing. Behind a shared NAT, raise it. 0 turns it off. The address is the
         * connection's, or the one a trusted proxy forwards ({@code quarkus.http.proxy.*}).
         */
        @WithDefault("30")
        @Min(0)
        int failedAuthPerAddress();

        @WithDefault("1m")
        Duration failedAuthWindow();

        /** Submits and cancels one key may make per window. */
        @WithDefault("500")
        @Min(0)
        int submitPerKey();

        /** Submits and cancels all of a tenant's keys together may make per window. */
        @WithDefault("1000")
        @Min(0)
        int submitPerTenant();

        /** Reads (get, list, tickets, health) one key may make per window. */
        @WithDefault("2000")
        @Min(0)
        int readPerKey();

        /** Reads all of a tenant's keys together may make per window. */
        @WithDefault("5000")
        @Min(0)
        int readPerTenant();

        /** Budgets of particular tenants, overriding the defaults above. */
        Map<String, TenantLimits> tenants();

        /**
         * What a request gets when Redis cannot count it: {@code allow} (the default) keeps the
         * service answering on the local bounds alone; {@code refuse} answers 503 instead.
         */
        @WithDefault("allow")
        WhenUncounted whenRedisFails();

        /** How long a request waits for its count before the rule above applies. */
        @WithDefault("250ms")
        Duration redisTimeout();

        /** After a failed count, how long Redis is left alone before it is asked again. */
        @WithDefault("1s")
        Duration redisRetryAfter();

        /**
         * Most calls counted in one pipelined round trip to Redis. Batches form by themselves
         * from calls that arrive while earlier counts are out; 1 counts every call on its own.
         */
        @WithDefault("256")
        @Min(1)
        int countBatchSize();

        /** Count batches out at Redis at once. */
        @WithDefault("4")
        @Min(1)
        int countBatchesInFlight();
    }

    enum WhenUncounted {
        ALLOW, REFUSE
    }

    /** One tenant's own budgets; whatever is left out keeps the default. */
    interface TenantLimits {
        Optional<Integer> submitPerKey();

        Optional<Integer> submitPerTenant();

        Optional<Integer> readPerKey();

        Optional<Integer> readPerTenant();

        /** This tenant's quota of unfinished tasks, overriding {@link Admission#maxUnfinishedPerTenant()}. */
        Optional<Integer> maxUnfinished();
    }

    /** How much accepted work may wait, so the queue never grows without bound. */
    interface Admission {
        @WithDefault("true")
        boolean enabled();

        /** Unfinished (queued, running or waiting to retry) tasks one tenant may have; more is a 429. */
        @WithDefault("100000")
        @Min(1)
        int maxUnfinishedPerTenant();

        /**
         * How old a tenant's unfinished count may be before it is read again; in between, each
         * instance adds its own submits to it. Several instances may together overshoot the
         * quota by what they accept in this time.
         */
        @WithDefault("1s")
        Duration quotaRefresh();

        /** Entries the task stream may hold (waiting, running and not yet trimmed); past it submits get 503. */
        @WithDefault("200000")
        long maxBacklog();

        /** How long the oldest task not yet taken by a worker may have waited; past it submits get 503. */
        @WithDefault("10m")
        Duration maxWait();

        /** How often the backlog is measured. */
        @WithDefault("1s")
        Duration sampleEvery();

        /** The longest Retry-After a backlog refusal gives, however slowly the backlog drains. */
        @WithDefault("60s")
        Duration maxRetryAfter();
    }

    interface Auth {
        /**
         * Whether the task API and the WebSocket demand an API key. Off, every call acts for the
         * {@code default} tenant with every role: only for a trusted network or a benchmark of
         * the service without its door.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long a key lookup is trusted before the database is asked again: the longest a
         * revoked or expired key keeps working on an instance that did not revoke it.
         */
        @WithDefault("1s")
        Duration cacheTtl();

        /** A key's last use is recorded to this precision, so a busy key is not a write per request. */
        @WithDefault("1m")
        Duration lastUseResolution();

        Jwt jwt();
    }

    /**
     * JWT bearer tokens from the operator's identity provider, as a second way in beside API
     * keys. The signature is checked against {@code mp.jwt.verify.publickey} or
     * {@code mp.jwt.verify.publickey.location} (a PEM, a JWK set, or a JWKS URL), with
     * {@code mp.jwt.verify.issuer} and {@code mp.jwt.verify.audiences} when set.
     */
    interface Jwt {
        @WithDefault("false")
        boolean enabled();

        /** The claim naming the tenant the token acts for. */
        @WithDefault("tenant")
        String tenantClaim();

        /** The claim listing its roles: a JSON array, or one string separated by spaces or commas. */
        @WithDefault("roles")
        String rolesClaim();
    }

    interface Tasks {
        /**
         * Task types accepted even when no worker has announced them yet, so tasks can be
         * submitted before the first worker starts. Types that a running worker declares are
         * accepted too.
         */
        @WithDefault("echo,llm.chat,http.verify")
        Set<String> knownTypes();

        /** Page size when a listing does not ask for one. */
        @WithDefault("50")
        @Min(1)
        int defaultPageSize();

        /** Largest page a listing may ask for, so one call cannot read the whole table. */
        @WithDefault("200")
        @Min(1)
        int maxPageSize();

        /**
         * Most submits stored with one INSERT and queued with one pipelined XADD batch. Batches
         * form by themselves from submits that arrive while earlier ones are being stored; 1
         * turns grouping off (each submit its own statement and XADD).
         */
        @WithDefault("128")
        @Min(1)
        int submitBatchSize();

        /** Submit batches being stored at once; each holds one PostgreSQL connection meanwhile. */
        @WithDefault("2")
        @Min(1)
        int submitBatchesInFlight();

        /** Views of recently polled tasks, kept so a repeated poll needs no database read. */
        ViewCache viewCache();

        interface ViewCache {
            /**
             * How long a held view answers polls after it was last stored. Announced changes
             * replace it at once; this bounds how late a poller sees a change whose announcement
             * was lost. 0 turns the cache off (every poll reads PostgreSQL).
             */
            @WithDefault("1s")
            Duration freshFor();

            /** Most task views held; the least recently used go first. */
            @WithDefault("100000")
            @Min(0)
            int maxEntries();
        }
    }

    interface Sockets {
        /** Most task ids a single WebSocket connection may follow at once. */
        @WithDefault("1000")
        @Min(1)
        int maxSubscriptionsPerConnection();

        /** Most task ids one subscribe frame may name. */
        @WithDefault("100")
        @Min(1)
        int maxIdsPerFrame();

        /** Connections one tenant may hold on one instance; more are refused at the upgrade with 429. */
        @WithDefault("1000")
        @Min(1)
        int maxConnectionsPerTenant();

        /** Connections one instance holds at most; more are refused at the upgrade with 503. */
        @WithDefault("10000")
        @Min(1)
        int maxConnectionsPerInstance();

        /**
         * A connection that sends nothing — not even the pong every client owes the server's
         * ping ({@code quarkus.websockets-next.server.auto-ping-interval}) — for this long is closed.
         */
        @WithDefault("90s")
        Duration idleTimeout();

        /** Messages that may wait unwritten on one connection before it is closed with 1013. */
        @WithDefault("10000")
        @Min(1)
        int maxQueuedMessages();

        /**
         * Origins (scheme://host[:port]) whose pages may open a socket. Empty, any page may: the
         * socket is opened with a key or a ticket, never a cookie, so a foreign page has nothing
         * to borrow; set it to stop other sites' pages using tickets they were handed.
         */
        Optional<Set<String>> allowedOrigins();
    }

    interface Idempotency {
        /**
         * How long an Idempotency-Key keeps answering with the task it first created. Long enough
         * to cover a client's retries after a lost answer (hours, not seconds); after it the key
         * may name a new task.
         */
        @WithDefault("24h")
        Duration window();
    }

    /** The figures under {@code /api/v1/health/}. */
    interface Health {
        /** A connection pool more in use than this (percent) is marked with a warning. */
        @WithDefault("80")
        @Min(1)
        int poolWarningPercent();

        /**
         * A worker marked gone (its report older than its own gone-after) is still listed this
         * long, then its report is removed: long enough to notice it, short enough that a fleet
         * scaled down does not list its old members for ever.
         */
        @WithDefault("10m")
        Duration forgetGoneWorkersAfter();

        /**
         * The sliding window of {@code /api/v1/health/error-rate} for this instance's answers;
         * workers count their attempts over {@code taskgate.worker.outcome-window}, set it alike.
         */
        @WithDefault("5m")
        Duration errorWindow();

        /** An error rate above this (percent) is marked with a warning... */
        @WithDefault("5")
        @Min(0)
        double errorRateWarningPercent();

        /** ...once at least this many answers or attempts are in the window, so one early 404 is no alarm. */
        @WithDefault("20")
        @Min(1)
        int errorRateMinimumCount();

        /**
         * An entry waiting this long for any worker to take it marks the queue with a warning:
         * the workers are too few, paused or gone.
         */
        @WithDefault("1m")
        Duration queueWaitWarning();

        /**
         * An answer under {@code /api/v1} slower than this is logged (method, path with ids left
         * out, status, duration, tenant; never the body), at most one line a second.
         */
        @WithDefault("1s")
        Duration slowRequestThreshold();

        /** Longest wait for Redis behind a health answer: while it is away the answer is a quick 503. */
        @WithDefault("2s")
        Duration redisTimeout();
    }

    interface Admin {
        /**
         * Bearer token for {@code /api/v1/admin}. Unset means the admin endpoints are off (403),
         * so a deployment never exposes them by accident.
         */
        Optional<String> token();

        /**
         * A running task whose last heartbeat (or start, before its first heartbeat) is older than
         * this counts as stuck: its worker is most likely gone.
         */
        @WithDefault("2m")
        Duration stuckRunningAfter();

        /** A queued task waiting longer than this counts as stuck: its stream entry is most likely lost. */
        @WithDefault("15m")
        Duration stuckQueuedAfter();

        /** Stuck tasks listed or recovered per call when the caller does not say. */
        @WithDefault("100")
        @Min(1)
        int defaultLimit();

        /** Most stuck tasks one call may list or recover, so one call stays short. */
        @WithDefault("1000")
        @Min(1)
        int maxLimit();
    }
}
