package io.taskgate.worker.retry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskStreamEntry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Retries waiting for their time, kept in a Redis sorted set scored by due time. A waiting
 * retry holds no worker slot and no stream entry; when it is due, {@link #moveDue} puts its
 * entry back on the stream. The move is one Lua script, so when several workers poll at once,
 * each retry still reaches the stream exactly once.
 */
@ApplicationScoped
public class RetryQueue implements RetryScheduler {

    // Removes each due member and re-adds it to the stream only if this call removed it.
    private static final String MOVE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            local moved = 0
            for _, member in ipairs(due) do
              if redis.call('ZREM', KEYS[1], member) == 1 then
                local entry = cjson.decode(member)
                redis.call('XADD', KEYS[2], '*', 'taskId', entry.taskId, 'tenantId', entry.tenantId, 'type', entry.type)
                moved = moved + 1
              end
            end
            return moved
            """;

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public RetryQueue(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    @Override
    public Uni<Void> schedule(TaskStreamEntry entry, Instant dueAt) {
        return Uni.createFrom().item(() -> encode(entry))
                .chain(member -> redis.sortedSet(String.class).zadd(RedisNames.RETRY_SET, dueAt.toEpochMilli(), member))
                .replaceWithVoid();
    }

    /** Moves retries due by {@code now} (at most {@code limit}) onto the task stream; returns how many. */
    public Uni<Integer> moveDue(Instant now, int limit) {
        return redis.execute("EVAL", MOVE_DUE, "2", RedisNames.RETRY_SET, RedisNames.TASK_STREAM,
                        String.valueOf(now.toEpochMilli()), String.valueOf(limit))
                .map(response -> response == null ? 0 : response.toInteger());
    }


    private String encode(TaskStreamEntry entry) {
        try {
            // The member is the entry itself: one member per task, since a task waits for one retry at a time.
            return json.writeValueAsString(entry.toFields().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue,
                            (a, b) -> a, java.util.TreeMap::new)));
        } catch (Exception e) {
            throw new IllegalStateException("retry entry cannot be written as JSON", e);
        }
    }

}
