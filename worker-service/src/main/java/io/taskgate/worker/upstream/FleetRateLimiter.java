package io.taskgate.worker.upstream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Rate limits shared by every worker of the fleet, kept in Redis: requests per minute and
 * tokens per minute per upstream, as sliding one-minute windows. Each check is one Lua script,
 * so two workers can never both take the last slot. A refused caller is told how long until a
 * slot frees up, so it can give its worker slot back and come back then.
 */
@ApplicationScoped
public class FleetRateLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final String KEY_PREFIX = "taskgate:ratelimit:";

    // Admits one request if fewer than the limit were admitted in the window; otherwise returns
    // the milliseconds until the oldest one leaves the window.
    private static final String TAKE_REQUEST = """
            local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if redis.call('ZCARD', KEYS[1]) < limit then
              redis.call('ZADD', KEYS[1], now, ARGV[4])
              redis.call('PEXPIRE', KEYS[1], window)
              return 0
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return math.max(1, tonumber(oldest[2]) + window - now)
            """;

    // Tokens used in the window are the sum of the members' suffixes ("<id>:<tokens>"). Admits
    // while that sum is under the limit; otherwise returns the wait until the oldest use expires.
    private static final String CHECK_TOKENS = """
            local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local used = 0
            for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              used = used + tonumber(string.match(member, ':(%d+)$'))
            end
            if used < limit then
              return 0
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return math.max(1, tonumber(oldest[2]) + window - now)
            """;

    // Adds one call's tokens and drops what has left the window, so the window holds at most a
    // minute of calls however rarely it is checked.
    private static final String RECORD_TOKENS = """
            local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            redis.call('ZADD', KEYS[1], now, ARGV[3])
            redis.call('PEXPIRE', KEYS[1], window)
            return 0
            """;

    private final ReactiveRedisDataSource redis;

    public FleetRateLimiter(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Takes a request slot for {@code upstream} if both limits allow one now. The item is
     * {@link Duration#ZERO} when admitted, else how long to wait. A limit of null is no limit.
     */
    public Uni<Duration> admit(String upstream, Integer requestsPerMinute, Integer tokensPerMinute) {
        long now = Instant.now().toEpochMilli();
        Uni<Duration> tokens = tokensPerMinute == null ? Uni.createFrom().item(Duration.ZERO)
                : script(CHECK_TOKENS, key(upstream, "tokens"), now, tokensPerMinute, "-");
        return tokens.chain(tokenWait -> {
            if (!tokenWait.isZero() || requestsPerMinute == null) {
                return Uni.createFrom().item(tokenWait);
            }
            return script(TAKE_REQUEST, key(upstream, "requests"), now, requestsPerMinute, UUID.randomUUID().toString());
        });
    }

    /**
     * Counts the tokens a finished call used against the tokens-per-minute window of
     * {@code upstream}. Without a limit nothing is counted: no check would ever read the
     * window, so nothing would trim it either.
     */
    public Uni<Void> recordTokens(String upstream, Integer tokensPerMinute, int tokens) {
        if (tokensPerMinute == null || tokens <= 0) {
            return Uni.createFrom().voidItem();
        }
        return redis.execute("EVAL", RECORD_TOKENS, "1", key(upstream, "tokens"), String.valueOf(Instant.now().toEpochMilli()),
                        String.valueOf(WINDOW.toMillis()), UUID.randomUUID() + ":" + tokens)
                .replaceWithVoid();
    }

    private Uni<Duration> script(String script, String key, long now, int limit, String member) {
        return redis.execute("EVAL", script, "1", key, String.valueOf(now), String.valueOf(WINDOW.toMillis()),
                        String.valueOf(limit), member)
                .map(response -> Duration.ofMillis(response.toLong()));
    }

    private static String key(String upstream, String kind) {
        return KEY_PREFIX + upstream + ":" + kind;
    }
}
