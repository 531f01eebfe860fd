package io.taskgate.api.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Subscribes to a Redis pub/sub channel for as long as the application runs: when the
 * subscription drops (Redis restarted, connection lost), it is made again after a pause.
 * Messages published while it was down are not replayed — listeners only use channels whose
 * content is also kept elsewhere (PostgreSQL, expiring reports).
 *
 * <p>While Redis is away the attempts fail every second; only the first failure is a WARN and
 * the return an INFO, the rest count in {@code taskgate.background.failures{loop=subscription:…}}.
 */
@ApplicationScoped
public class RedisChannelListener {

    private static final Logger LOG = Logger.getLogger(RedisChannelListener.class);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

    private final ReactiveRedisDataSource redis;
    private final MeterRegistry meters;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Set<String> failingChannels = ConcurrentHashMap.newKeySet();

    public RedisChannelListener(ReactiveRedisDataSource redis, MeterRegistry meters) {
        this.redis = redis;
        this.meters = meters;
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
                        subscriber -> listening(channel),
                        failure -> again(channel, onMessage, failure));
    }

    private void again(String channel, Consumer<String> onMessage, Throwable failure) {
        // The subscription also ends when the Redis client closes at shutdown; nothing to redo then.
        if (stopping.get()) {
            return;
        }
        if (failure != null) {
            failed(channel, failure);
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(RESUBSCRIBE_DELAY)
                .subscribe().with(ignored -> listen(channel, onMessage));
    }

    private void listening(String channel) {
        if (failingChannels.remove(channel)) {
            LOG.infof("subscribed to %s again", channel);
        } else {
            LOG.debugf("listening on %s", channel);
        }
    }

    private void failed(String channel, Throwable failure) {
        meters.counter("taskgate.background.failures", "loop", "subscription:" + channel).increment();
        if (failingChannels.add(channel)) {
            LOG.warnf("subscription to %s failed (%s); subscribing again every %d s, and logging again once it works",
                    channel, failure.getMessage(), RESUBSCRIBE_DELAY.toSeconds());
        }
    }
}
