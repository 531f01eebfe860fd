package io.taskgate.worker.execution;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * The partial output of each running attempt, kept in an expiring Redis list so that a
 * subscriber who arrives mid-stream can be sent everything so far. Appending returns the
 * chunk's index, which orders the live events.
 */
@ApplicationScoped
public class OutputBuffer implements OutputStore {

    /** Long enough for any attempt plus late readers; afterwards the stored result is the source. */
    static final Duration EXPIRY = Duration.ofHours(1);
    /** Beyond this many chunks an attempt's output is still pushed live but no longer buffered. */
    static final int MAX_CHUNKS = 50_000;

    // Append, refresh the expiry, and give the index, in one round trip. Past the cap, nothing is
    // appended and the index is still the chunk's position, so live ordering is unaffected.
    private static final String APPEND = """
            local length = redis.call('LLEN', KEYS[1])
            if length < tonumber(ARGV[3]) then
              length = redis.call('RPUSH', KEYS[1], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return length - 1
            end
            return -1
            """;

    private final ReactiveRedisDataSource redis;

    public OutputBuffer(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /** Appends a chunk; the item is its index, or -1 once the buffer is full. */
    @Override
    public Uni<Integer> append(UUID taskId, int attempt, String chunk) {
        return redis.execute("EVAL", APPEND, "1", RedisNames.outputBuffer(taskId, attempt), chunk,
                        String.valueOf(EXPIRY.toMillis()), String.valueOf(MAX_CHUNKS))
                .map(response -> response.toInteger());
    }
}
