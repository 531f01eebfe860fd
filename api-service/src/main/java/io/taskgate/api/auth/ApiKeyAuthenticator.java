package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.Tenants;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Turns a presented credential into a {@link Caller}, or a 401. Lookups are remembered for
 * {@code taskgate.api.auth.cache-ttl} (1 s), so a busy key costs one database query a second per
 * instance rather than one per request, and a revoked or expired key stops working on every
 * instance within that time without any message between them. Unknown keys are remembered too,
 * so a client hammering with a wrong key does not hammer the database.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {

    private static final Logger LOG = Logger.getLogger(ApiKeyAuthenticator.class);
    /** Bounds the memory a flood of distinct wrong keys can take; the cache simply starts over. */
    private static final int MAX_CACHED = 10_000;
    /** With authentication off, every request acts for the default tenant with every role. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Caller ANYONE = new Caller(Tenants.DEFAULT, EnumSet.allOf(Role.class), "anyone");

    private record Lookup(Optional<StoredApiKey> key, Instant at) {
    }

    private final ApiKeyStore store;
    private final JwtAuthenticator tokens;
    private final ApiConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> lastRecordedUse = new ConcurrentHashMap<>();

    public ApiKeyAuthenticator(ApiKeyStore store, JwtAuthenticator tokens, ApiConfig config) {
        this.store = store;
        this.tokens = tokens;
        this.config = config;
    }

    public boolean enabled() {
        return config.auth().enabled();
    }

    /** The caller behind the credential, or a failure carrying the 401 problem to answer with. */
    public Uni<Caller> authenticate(PresentedCredential credential) {
        if (!enabled()) {
            return Uni.createFrom().item(ANYONE);
        }
        if (credential instanceof PresentedCredential.Missing) {
            return Uni.createFrom().failure(unauthorized("credentials-required",
                    "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"));
        }
        if (credential instanceof PresentedCredential.Malformed malformed) {
            return Uni.createFrom().failure(unauthorized("credentials-malformed", malformed.why()));
        }
        String key = ((PresentedCredential.Key) credential).key();
        if (!ApiKeySecret.looksLikeKey(key) && tokens.accepts(key)) {
            return tokens.authenticate(key);
        }
        if (!ApiKeySecret.looksLikeKey(key)) {
            return Uni.createFrom().failure(unauthorized("credentials-invalid", "this is not a Taskgate API key"));
        }
        return lookup(ApiKeySecret.hash(key)).onFailure().transform(ApiKeyAuthenticator::unavailable).map(found -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            StoredApiKey stored = found.orElseThrow(() -> unauthorized("credentials-invalid", "unknown API key"));
            if (stored.revokedAt() != null) {
                throw unauthorized("credentials-revoked", "this API key has been revoked");
            }
            if (!stored.usableAt(now)) {
                throw unauthorized("credentials-expired", "this API key expired at " + stored.expiresAt());
            }
            recordUse(stored, now);
            return stored.caller();
        });
    }

    /** Forgets what was looked up, so that a revocation through this instance takes effect at once. */
    public void forgetAll() {
        lookups.clear();
    }

    /** Forgets one key's lookup: a key created here works here at once, even if it was tried before. */
    public void forget(String keyHash) {
        lookups.remove(keyHash);
    }

    private Uni<Optional<StoredApiKey>> lookup(String hash) {
        Instant now = clock.instant();
        Lookup cached = lookups.get(hash);
        if (cached != null && cached.at().plus(config.auth().cacheTtl()).isAfter(now)) {
            return Uni.createFrom().item(cached.key());
        }
        return store.findByHash(hash).invoke(found -> {
            if (lookups.size() >= MAX_CACHED) {
                lookups.clear();
            }
            lookups.put(hash, new Lookup(found, now));
        });
    }

    /** Last use is kept to the minute, written at most once a minute per key and instance, off the request path. */
    private void recordUse(StoredApiKey key, OffsetDateTime now) {
        Duration resolution = config.auth().lastUseResolution();
        Instant previous = lastRecordedUse.get(key.id());
        if (previous != null && previous.plus(resolution).isAfter(now.toInstant())) {
            return;
        }
        lastRecordedUse.put(key.id(), now.toInstant());
        store.recordUse(key.id(), now.withOffsetSameInstant(ZoneOffset.UTC)).subscribe().with(ignored -> { },
                failure -> LOG.debugf("could not record the use of API key %s: %s", key.id(), failure.getMessage()));
    }

    private static Throwable unavailable(Throwable failure) {
        return ProblemException.unavailable("credentials-unverifiable",
                "credentials cannot be checked right now; nothing was done, try again", RETRY_AFTER, failure);
    }

    private static ProblemException unauthorized(String type, String detail) {
        return ProblemException.unauthorized(type, detail, "Bearer");
    }
}
