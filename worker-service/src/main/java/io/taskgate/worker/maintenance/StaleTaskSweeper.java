package io.taskgate.worker.maintenance;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.execution.IsolatedWork;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Keeps "accepted means kept": finds tasks that PostgreSQL says are waiting or running but that
 * no stream entry will ever bring to a worker — the entry was never written, or Redis lost it
 * (restarted without its data, or flushed), or a running task's worker and its pending entry both
 * vanished — and puts them on the stream again.
 *
 * <p>A task qualifies once it has been out of sight for {@code requeue-after}, far longer than
 * any queue wait. Each candidate is claimed with a conditional UPDATE that also resets its clock,
 * under SKIP LOCKED, so concurrent sweepers never take the same task, and no task is re-queued
 * again before another full period. An extra entry for a task that was merely slow is harmless:
 * only one delivery can hold a task, and a duplicate is skipped.
 */
@ApplicationScoped
public class StaleTaskSweeper {

    private static final Logger LOG = Logger.getLogger(StaleTaskSweeper.class);

    private static final String CLAIM_QUEUED = """
            UPDATE tasks SET enqueued_at = :now
            WHERE id IN (SELECT id FROM tasks
                         WHERE status = 'QUEUED' AND enqueued_at < :cutoff
                         ORDER BY enqueued_at LIMIT :batch FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, type""";

    private static final String CLAIM_ABANDONED_RUNNING = """
            UPDATE tasks SET status = 'QUEUED', lease_entry_id = NULL, enqueued_at = :now, updated_at = :now,
                             event_seq = event_seq + 1
            WHERE id IN (SELECT id FROM tasks
                         WHERE status = 'RUNNING' AND heartbeat_at < :cutoff
                         ORDER BY heartbeat_at LIMIT :batch FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, type""";

    private final WorkerConfig config;
    private final IsolatedWork isolated;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final BackgroundLoop loop;

    public StaleTaskSweeper(WorkerConfig config, IsolatedWork isolated, ReactiveRedisDataSource redis,
            BackgroundLoops loops) {
        this.config = config;
        this.isolated = isolated;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.loop = loops.loop("stale-task-sweeper", StaleTaskSweeper.class);
    }

    @Scheduled(every = "${taskgate.worker.sweeper.every:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return loop.watch(requeue(CLAIM_ABANDONED_RUNNING, "running without a heartbeat")
                        .chain(() -> requeue(CLAIM_QUEUED, "queued without an entry in sight")))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Claims one batch with {@code sql} and puts an entry on the stream for each task claimed. */
    public Uni<Integer> requeue(String sql, String why) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime cutoff = now.minus(config.sweeper().requeueAfter());
        return isolated.<List<Object[]>>run(() -> Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> session.createNativeQuery(sql, Object[].class)
                                .setParameter("now", now)
                                .setParameter("cutoff", cutoff)
                                .setParameter("batch", config.sweeper().batch())
                                .getResultList())))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> enqueue(toEntry(row)))
                        .collect().asList()
                        .map(List::size))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.warnf("re-queued %d task(s) %s", count, why);
                    }
                });
    }

    private Uni<String> enqueue(TaskStreamEntry entry) {
        return streams.xadd(RedisNames.TASK_STREAM, entry.toFields());
    }

    private static TaskStreamEntry toEntry(Object[] row) {
        UUID id = row[0] instanceof UUID uuid ? uuid : UUID.fromString(String.valueOf(row[0]));
        return new TaskStreamEntry(id, String.valueOf(row[1]), String.valueOf(row[2]));
    }

}
