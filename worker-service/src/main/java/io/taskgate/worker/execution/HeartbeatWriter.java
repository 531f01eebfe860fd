package io.taskgate.worker.execution;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Writes the heartbeat of every task running here to PostgreSQL, in one statement. It is what
 * the stuck-task report and the sweeper read to tell a live attempt from an abandoned one.
 */
@ApplicationScoped
public class HeartbeatWriter {

    private static final Logger LOG = Logger.getLogger(HeartbeatWriter.class);

    private final RunningTasks running;
    private final TaskStore store;
    private final IsolatedWork isolated;

    public HeartbeatWriter(RunningTasks running, TaskStore store, IsolatedWork isolated) {
        this.running = running;
        this.store = store;
        this.isolated = isolated;
    }

    @Scheduled(every = "${taskgate.worker.heartbeat:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        var ids = running.ids();
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return isolated.run(() -> store.heartbeat(ids))
                .onFailure().invoke(e -> LOG.warnf("writing heartbeats failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
