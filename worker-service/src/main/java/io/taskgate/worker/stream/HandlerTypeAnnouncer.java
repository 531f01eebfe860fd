package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.handler.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells the api-service which task types this worker runs, so a custom handler's type is
 * accepted at submission without configuring the api as well.
 */
@ApplicationScoped
public class HandlerTypeAnnouncer {

    private static final Logger LOG = Logger.getLogger(HandlerTypeAnnouncer.class);

    void announce(@Observes StartupEvent startup, HandlerRegistry handlers, ReactiveRedisDataSource redis) {
        String[] types = handlers.types().toArray(String[]::new);
        if (types.length == 0) {
            return;
        }
        // Schemas first: a type is accepted from the moment it is in the set, and by then the api
        // can already hold its input to the shape the handler expects.
        Map<String, String> schemas = new HashMap<>();
        handlers.types().forEach(type -> handlers.find(type).flatMap(TaskHandler::inputSchema)
                .ifPresent(schema -> schemas.put(type, schema.toString())));
        Uni<Void> schemasAnnounced = schemas.isEmpty() ? Uni.createFrom().voidItem()
                : redis.hash(String.class).hset(RedisNames.HANDLER_SCHEMAS, schemas).replaceWithVoid();
        schemasAnnounced.chain(() -> redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, types)).subscribe().with(
                added -> LOG.infof("runs task types %s (input schemas for %s)", handlers.types(), schemas.keySet()),
                failure -> LOG.warnf("could not announce task types: %s", failure.getMessage()));
    }
}
