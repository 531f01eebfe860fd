package io.taskgate.api.task;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.RedisNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;

/**
 * Knows which task types can be run: the configured ones, and those a worker has declared a
 * handler for (workers add their types to a Redis set when they start).
 */
@ApplicationScoped
public class TaskTypeCatalog {

    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,99}");

    private final ApiConfig config;
    private final ReactiveSetCommands<String, String> sets;

    public TaskTypeCatalog(ApiConfig config, ReactiveRedisDataSource redis) {
        this.config = config;
        this.sets = redis.set(String.class);
    }

    public static boolean isWellFormed(String type) {
        return type != null && TYPE_NAME.matcher(type).matches();
    }

    public Uni<Boolean> isKnown(String type) {
        if (config.tasks().knownTypes().contains(type)) {
            return Uni.createFrom().item(true);
        }
        return sets.sismember(RedisNames.HANDLER_TYPES, type);
    }
}
