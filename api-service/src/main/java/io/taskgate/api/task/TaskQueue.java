package io.taskgate.api.task;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskStreamEntry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Appends accepted tasks to the Redis stream that workers read. */
@ApplicationScoped
public class TaskQueue {

    private final Redis redis;
    private final ReactiveStreamCommands<String, String, String> streams;

    public TaskQueue(ReactiveRedisDataSource redis) {
        this.redis = redis.getRedis();
        this.streams = redis.stream(String.class, String.class, String.class);
    }

    /** Adds one entry and returns its stream id. */
    public Uni<String> enqueue(TaskStreamEntry entry) {
        return streams.xadd(RedisNames.TASK_STREAM, entry.toFields());
    }

    /**
     * Adds the entries in one pipeline on one connection (every XADD goes to the same key, so the
     * pipeline is valid on a Redis Cluster too). Fails if Redis refuses any of them; entries
     * added before the refusal stay, and their rows are withdrawn by the caller, so a worker that
     * reads one finds no task and skips it.
     */
    public Uni<Void> enqueueAll(List<TaskStreamEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> adds = new ArrayList<>(entries.size());
        for (TaskStreamEntry entry : entries) {
            Request add = Request.cmd(Command.XADD).arg(RedisNames.TASK_STREAM).arg("*");
            for (Map.Entry<String, String> field : entry.toFields().entrySet()) {
                add.arg(field.getKey()).arg(field.getValue());
            }
            adds.add(add);
        }
        return redis.batch(adds).replaceWithVoid();
    }
}
