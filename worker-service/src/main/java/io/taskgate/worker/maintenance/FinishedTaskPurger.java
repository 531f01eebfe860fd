package io.taskgate.worker.maintenance;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.execution.IsolatedWork;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Deletes finished tasks once their retention has passed, oldest first, in small batches so no
 * statement holds locks for long. A run stops after a bounded number of batches; the next run
 * goes on where it stopped.
 */
@ApplicationScoped
public class FinishedTaskPurger {

    private static final Logger LOG = Logger.getLogger(FinishedTaskPurger.class);
    private static final int MAX_BATCHES_PER_RUN = 20;

    private static final String DELETE_BATCH = """
            DELETE FROM tasks WHERE id IN (
                SELECT id FROM tasks
                WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND finished_at < :cutoff
                ORDER BY finished_at LIMIT :batch)""";

    private final WorkerConfig config;
    private final IsolatedWork isolated;
    private final BackgroundLoop loop;

    public FinishedTaskPurger(WorkerConfig config, IsolatedWork isolated, BackgroundLoops loops) {
        this.config = config;
        this.isolated = isolated;
        this.loop = loops.loop("finished-task-purger", FinishedTaskPurger.class);
    }

    @Scheduled(every = "${taskgate.worker.retention.every:1m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention().finishedTasks());
        return loop.watch(deleteBatches(cutoff, 0, 0))
                .invoke(total -> {
                    if (total > 0) {
                        LOG.infof("purged %d finished task(s) older than %s", total, config.retention().finishedTasks());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Integer> deleteBatches(OffsetDateTime cutoff, int batchesDone, int deletedSoFar) {
        int batch = config.retention().batch();
        return isolated.<Integer>run(() -> Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> session.createNativeQuery(DELETE_BATCH)
                                .setParameter("cutoff", cutoff)
                                .setParameter("batch", batch)
                                .executeUpdate())))
                .chain(deleted -> deleted == batch && batchesDone + 1 < MAX_BATCHES_PER_RUN
                        ? deleteBatches(cutoff, batchesDone + 1, deletedSoFar + deleted)
                        : Uni.createFrom().item(deletedSoFar + deleted));
    }
}
