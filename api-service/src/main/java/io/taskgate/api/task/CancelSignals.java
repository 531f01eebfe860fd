package io.taskgate.api.task;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Tells the workers that a running task should stop: its id goes out on the cancel channel, and
 * whichever worker holds the task stops it and records CANCELLED. The request itself is already
 * stored ({@code cancel_requested}), so a lost signal is logged, not failed.
 */
@ApplicationScoped
public class CancelSignals {

    private static final Logger LOG = Logger.getLogger(CancelSignals.class);

    private final ReactivePubSubCommands<String> pubsub;

    public CancelSignals(ReactiveRedisDataSource redis) {
        this.pubsub = redis.pubsub(String.class);
    }

    public Uni<Void> send(UUID taskId) {
        return pubsub.publish(RedisNames.CANCEL_CHANNEL, taskId.toString())
                .onFailure().invoke(e -> LOG.warnf("could not signal cancellation of task %s: %s", taskId, e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
