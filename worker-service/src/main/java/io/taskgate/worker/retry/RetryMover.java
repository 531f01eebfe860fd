package io.taskgate.worker.retry;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Every {@code taskgate.worker.retries.poll-every}, puts the retries that are due back onto the
 * task stream. A Vert.x timer rather than the scheduler: retries must not come back whole
 * seconds late, and the scheduler's finest step is one second.
 */
@ApplicationScoped
public class RetryMover {

    private static final Logger LOG = Logger.getLogger(RetryMover.class);

    private final RetryQueue retries;
    private final WorkerConfig config;
    private final Vertx vertx;
    private final BackgroundLoop loop;
    private final AtomicBoolean moving = new AtomicBoolean();
    private long timer = -1;

    public RetryMover(RetryQueue retries, WorkerConfig config, Vertx vertx, BackgroundLoops loops) {
        this.retries = retries;
        this.config = config;
        this.vertx = vertx;
        this.loop = loops.loop("retry-mover", RetryMover.class);
    }

    void start(@Observes StartupEvent startup) {
        timer = vertx.setPeriodic(config.retries().pollEvery().toMillis(), id -> moveDueRetries());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void moveDueRetries() {
        // One move at a time: a slow Redis must not pile up overlapping scripts.
        if (!moving.compareAndSet(false, true)) {
            return;
        }
        loop.watch(retries.moveDue(Instant.now(), config.retries().batch()))
                .onTermination().invoke(() -> moving.set(false))
                .subscribe().with(
                        moved -> {
                            if (moved > 0) {
                                LOG.debugf("moved %d due retries onto the stream", moved);
                            }
                        },
                        failedRoundAlreadyReported -> { });
    }
}
