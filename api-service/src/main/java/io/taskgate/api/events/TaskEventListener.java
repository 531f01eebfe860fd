package io.taskgate.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Listens on the Redis event channel that every worker publishes to, and hands each event to
 * this instance's subscribers. Every api instance listens, so a subscriber gets its events
 * whichever instance its socket landed on. If the subscription drops (Redis restarted), it is
 * made again after a pause.
 */
@ApplicationScoped
public class TaskEventListener {

    private static final Logger LOG = Logger.getLogger(TaskEventListener.class);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

    private final ReactiveRedisDataSource redis;
    private final TaskSubscriptions subscriptions;
    private final ObjectMapper json;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public TaskEventListener(ReactiveRedisDataSource redis, TaskSubscriptions subscriptions, ObjectMapper json) {
        this.redis = redis;
        this.subscriptions = subscriptions;
        this.json = json;
    }

    void start(@Observes StartupEvent startup) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.set(true);
    }

    private void subscribe() {
        if (stopping.get()) {
            return;
        }
        redis.pubsub(String.class)
                .subscribe(RedisNames.EVENT_CHANNEL, this::deliver, this::resubscribeLater, this::onFailure)
                .subscribe().with(
                        subscriber -> LOG.debugf("listening on %s", RedisNames.EVENT_CHANNEL),
                        this::onFailure);
    }

    private void deliver(String message) {
        try {
            subscriptions.dispatch(json.readValue(message, TaskEvent.class));
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable event: %s", e.getMessage());
        }
    }

    private void onFailure(Throwable failure) {
        LOG.warnf("event subscription failed (%s); subscribing again", failure.getMessage());
        resubscribeLater();
    }

    private void resubscribeLater() {
        // The subscription also ends when the Redis client closes at shutdown; nothing to redo then.
        if (stopping.get()) {
            return;
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(RESUBSCRIBE_DELAY)
                .subscribe().with(ignored -> subscribe());
    }
}
