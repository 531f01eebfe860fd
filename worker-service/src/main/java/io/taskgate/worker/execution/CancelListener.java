package io.taskgate.worker.execution;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Hears cancel requests from the api (any instance) and cancels the task if it runs here. A
 * request missed while Redis was away is still honoured: the api also marks the row, and the
 * worker checks that mark when it records the outcome.
 */
@ApplicationScoped
public class CancelListener {

    private static final Logger LOG = Logger.getLogger(CancelListener.class);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

    private final ReactiveRedisDataSource redis;
    private final RunningTasks running;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final BackgroundLoop loop;

    public CancelListener(ReactiveRedisDataSource redis, RunningTasks running, BackgroundLoops loops) {
        this.redis = redis;
        this.running = running;
        this.loop = loops.loop("cancel-subscription", CancelListener.class);
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
                .subscribe(RedisNames.CANCEL_CHANNEL, this::cancel, this::resubscribeLater, this::onFailure)
                .subscribe().with(subscribed -> loop.succeeded(), this::onFailure);
    }

    private void cancel(String taskId) {
        try {
            if (running.cancel(UUID.fromString(taskId.trim()))) {
                LOG.infof("cancelling task %s", taskId);
            }
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignoring a cancel request for '%s'", taskId);
        }
    }

    private void onFailure(Throwable failure) {
        if (stopping.get()) {
            return;
        }
        loop.failed(failure);
        resubscribeLater();
    }

    private void resubscribeLater() {
        Uni.createFrom().voidItem().onItem().delayIt().by(RESUBSCRIBE_DELAY).subscribe().with(ignored -> subscribe());
    }
}
