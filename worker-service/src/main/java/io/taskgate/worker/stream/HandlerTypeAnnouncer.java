package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.handler.TaskHandler;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells the api-service which task types this worker runs, and the input schema of each, so a
 * custom handler's type is accepted at submission without configuring the api as well.
 *
 * <p>The announcement is repeated on a schedule, not made once: a Redis that was flushed or
 * replaced by an empty one would otherwise forget every type until each worker restarted, and
 * the api would refuse custom types and stop checking inputs meanwhile. Both writes are
 * idempotent, so repeating them costs two small commands per interval.
 */
@ApplicationScoped
public class HandlerTypeAnnouncer {

    private static final Logger LOG = Logger.getLogger(HandlerTypeAnnouncer.class);

    private final ReactiveRedisDataSource redis;
    private final BackgroundLoop loop;
    private final String[] types;
    private final Map<String, String> schemas = new HashMap<>();

    public HandlerTypeAnnouncer(HandlerRegistry handlers, ReactiveRedisDataSource redis, BackgroundLoops loops) {
        this.redis = redis;
        this.loop = loops.loop("type-announcer", HandlerTypeAnnouncer.class);
        this.types = handlers.types().toArray(String[]::new);
        handlers.types().forEach(type -> handlers.find(type).flatMap(TaskHandler::inputSchema)
                .ifPresent(schema -> schemas.put(type, schema.toString())));
    }

    void onStart(@Observes StartupEvent startup) {
        announce().subscribe().with(
                done -> LOG.infof("runs task types %s (input schemas for %s)", String.join(", ", types), schemas.keySet()),
                failure -> LOG.warnf("could not announce task types yet (%s); retrying on schedule", failure.getMessage()));
    }

    @Scheduled(every = "${taskgate.worker.announce-every:30s}", delayed = "${taskgate.worker.announce-every:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reannounce() {
        return loop.watch(announce()).onFailure().recoverWithNull();
    }

    Uni<Void> announce() {
        if (types.length == 0) {
            return Uni.createFrom().voidItem();
        }
        // Schemas first: a type is accepted from the moment it is in the set, and by then the api
        // can already hold its input to the shape the handler expects.
        Uni<Void> schemasAnnounced = schemas.isEmpty() ? Uni.createFrom().voidItem()
                : redis.hash(String.class).hset(RedisNames.HANDLER_SCHEMAS, schemas).replaceWithVoid();
        return schemasAnnounced.chain(() -> redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, types))
                .replaceWithVoid();
    }
}
