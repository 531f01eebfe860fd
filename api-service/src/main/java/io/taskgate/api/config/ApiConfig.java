package io.taskgate.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Every setting of the api-service and its default, in one place. */
@ConfigMapping(prefix = "taskgate.api")
public interface ApiConfig {

    Tasks tasks();

    Sockets sockets();

    Idempotency idempotency();

    Admin admin();

    Auth auth();

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
        int defaultPageSize();

        /** Largest page a listing may ask for, so one call cannot read the whole table. */
        @WithDefault("200")
        int maxPageSize();
    }

    interface Sockets {
        /** Most task ids a single WebSocket connection may follow at once. */
        @WithDefault("1000")
        int maxSubscriptionsPerConnection();
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
        int defaultLimit();

        /** Most stuck tasks one call may list or recover, so one call stays short. */
        @WithDefault("1000")
        int maxLimit();
    }
}
