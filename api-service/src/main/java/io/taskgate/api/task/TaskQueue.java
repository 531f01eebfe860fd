package io.taskgate.api.task;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskStreamEntry;
import jakarta.enterprise.context.ApplicationScoped;

/** Appends accepted tasks to the Redis stream that workers read. */
@ApplicationScoped
public class TaskQueue {

    private final ReactiveStreamCommands<String, String, String> streams;

    public TaskQueue(ReactiveRedisDataSource redis) {
        this.streams = redis.stream(String.class, String.class, String.class);
    }

    /** Adds the entry and returns its stream id. */
    public Uni<String> enqueue(TaskStreamEntry entry) {
        return streams.xadd(RedisNames.TASK_STREAM, entry.toFields());
    }
}
