package io.taskgate.api;

import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.taskgate.model.RedisNames;

/** Reads the task stream in tests, to see what was (and was not) queued. */
public final class TaskStream {

    private TaskStream() {
    }

    /** How many entries on the stream carry {@code field = value}. */
    public static long countEntries(String field, String value) {
        RedisDataSource redis = Arc.container().instance(RedisDataSource.class).get();
        return redis.stream(String.class).xrange(RedisNames.TASK_STREAM, StreamRange.of("-", "+")).stream()
                .filter(entry -> value.equals(entry.payload().get(field)))
                .count();
    }
}
