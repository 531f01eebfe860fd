package io.taskgate.api.events;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Subscribes to a Redis pub/sub channel for as long as the application runs: when the
 * subscription drops (Redis restarted, connection lost), it is made again after a pause.
 * Messages published while it was down are not replayed — listeners only use channels whose
 * content is also kept elsewhere (PostgreSQL, expiring reports).
 */
@ApplicationScoped
public class RedisChannelListener {

    private static final Logger LOG = Logger.getLogger(RedisChannelListener.class);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

    private final ReactiveRedisDataSource redis;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public RedisChannelListener(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.set(true);
    }

    public void listen(String channel, Consumer<String> onMessage) {
        if (stopping.get()) {
            return;
        }
        redis.pubsub(String.class)
                .subscribe(channel, onMessage, () -> again(channel, onMessage, null), failure -> again(channel, onMessage, failure))
                .subscribe().with(
                        subscriber -> LOG.debugf("listening on %s", channel),
                        failure -> again(channel, onMessage, failure));
    }

    private void again(String channel, Consumer<String> onMessage, Throwable failure) {
        // The subscription also ends when the Redis client closes at shutdown; nothing to redo then.
        if (stopping.get()) {
            return;
        }
        if (failure != null) {
            LOG.warnf("subscription to %s failed (%s); subscribing again", channel, failure.getMessage());
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(RESUBSCRIBE_DELAY)
                .subscribe().with(ignored -> listen(channel, onMessage));
    }
}
