package io.taskgate.worker.execution;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the heartbeat of every task running here to PostgreSQL, in one statement. It is what
 * the stuck-task report and the sweeper read to tell a live attempt from an abandoned one.
 */
@ApplicationScoped
public class HeartbeatWriter {

    private final RunningTasks running;
    private final TaskStore store;
    private final IsolatedWork isolated;
    private final BackgroundLoop loop;

    public HeartbeatWriter(RunningTasks running, TaskStore store, IsolatedWork isolated, BackgroundLoops loops) {
        this.running = running;
        this.store = store;
        this.isolated = isolated;
        this.loop = loops.loop("task-heartbeats", HeartbeatWriter.class);
    }

    @Scheduled(every = "${taskgate.worker.heartbeat:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        var ids = running.ids();
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return loop.watch(isolated.run(() -> store.heartbeat(ids)))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
