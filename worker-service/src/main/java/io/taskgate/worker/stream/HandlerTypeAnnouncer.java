package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.taskgate.model.RedisNames;
import io.taskgate.worker.handler.HandlerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, types).subscribe().with(
                added -> LOG.infof("runs task types %s", handlers.types()),
                failure -> LOG.warnf("could not announce task types: %s", failure.getMessage()));
    }
}
