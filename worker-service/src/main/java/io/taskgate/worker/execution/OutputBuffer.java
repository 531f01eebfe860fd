package io.taskgate.worker.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * The partial output of each running attempt, kept in an expiring Redis list so that a
 * subscriber who arrives mid-stream can be sent everything so far; each piece is published on
 * the event channel by the same script that keeps it.
 */
@ApplicationScoped
public class OutputBuffer implements OutputStore {

    /** Long enough for any attempt plus late readers; afterwards the stored result is the source. */
    static final Duration EXPIRY = Duration.ofHours(1);
    /** How long a finished attempt's pieces stay, for a replay that started just before the outcome. */
    static final Duration AFTER_OUTCOME = Duration.ofMinutes(1);
    /** Beyond this many chunks an attempt's output is still pushed live but no longer buffered. */
    static final int MAX_CHUNKS = 50_000;

    // Append and refresh the expiry unless the buffer is full, then publish: one round trip.
    private static final String KEEP_AND_PUBLISH = """
            if redis.call('LLEN', KEYS[1]) < tonumber(ARGV[3]) then
              redis.call('RPUSH', KEYS[1], ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return redis.call('PUBLISH', ARGV[4], ARGV[5])
            """;

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public OutputBuffer(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    @Override
    public Uni<Void> keepAndAnnounce(TaskEvent announcement) {
        return Uni.createFrom().item(() -> encode(announcement))
                .chain(text -> redis.execute("EVAL", KEEP_AND_PUBLISH, "1",
                        RedisNames.outputBuffer(announcement.taskId(), announcement.attempt()),
                        announcement.output(), String.valueOf(EXPIRY.toMillis()), String.valueOf(MAX_CHUNKS),
                        RedisNames.EVENT_CHANNEL, text))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> release(UUID taskId, int attempt) {
        return redis.execute("PEXPIRE", RedisNames.outputBuffer(taskId, attempt), String.valueOf(AFTER_OUTCOME.toMillis()))
                .replaceWithVoid();
    }

    private String encode(TaskEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("output event cannot be written as JSON", e);
        }
    }
}
