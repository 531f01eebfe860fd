package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;

/**
 * The worker's writes to the tasks table. Each change locks the row, checks that the task is in
 * the state the change expects, and applies it in one transaction.
 *
 * <p>An attempt is fenced by its number: every change made on behalf of attempt N requires the
 * row to be RUNNING with {@code attempts = N}. Once the task has been restarted elsewhere (its
 * delivery was reclaimed from a worker presumed dead), the old attempt's late writes change
 * nothing, so each task records exactly one outcome. A change that does not apply returns null.
 */
@ApplicationScoped
public class TaskStore implements PanacheRepositoryBase<TaskRecord, UUID> {

    /** Retries may arrive slightly early when worker clocks disagree; this much is tolerated. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMillis(500);

    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json;

    public TaskStore(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Starts a new attempt for the delivery {@code entryId}. A QUEUED task starts (unless its
     * retry is not due yet). A RUNNING task restarts only if this is a redelivery of the very
     * entry that holds it — its holder died; any other entry for it is a duplicate and skipped.
     * A task already started {@code deliveryLimit} times is failed with DELIVERY_LIMIT instead.
     *
     * <p>A holder that died may have stored its last change without publishing it, and a finished
     * task's entry comes back only when its worker died between storing the outcome and
     * acknowledging. In both cases the row as found is handed back to be published again:
     * subscribers drop a seq they already have, so a repeat costs nothing and a loss is repaired.
     */
    public Uni<StartResult> startAttempt(UUID taskId, String entryId, int deliveryLimit) {
        return Panache.withTransaction(() -> lock(taskId).map(task -> {
            Instant now = now();
            if (task == null) {
                return StartResult.skipped();
            }
            if (task.status.isFinal()) {
                return StartResult.finished(TaskViews.of(task, json));
            }
            if (task.status == TaskStatus.RUNNING && !entryId.equals(task.leaseEntryId)) {
                return StartResult.skipped();
            }
            if (task.status == TaskStatus.QUEUED && task.nextAttemptAt != null
                    && task.nextAttemptAt.isAfter(now.plus(CLOCK_TOLERANCE))) {
                return StartResult.skipped();
            }
            TaskView lastStored = null;
            if (task.status == TaskStatus.RUNNING) {
                lastStored = TaskViews.of(task, json);
                task.takeBackAbandonedAttempt();
            }
            if (task.cancelRequested) {
                task.moveTo(TaskStatus.CANCELLED, now);
                return StartResult.settled(task, null, lastStored);
            }
            if (task.attempts >= deliveryLimit) {
                recordError(task, TaskError.permanent("DELIVERY_LIMIT",
                        "given up after " + task.attempts + " starts"));
                task.moveTo(TaskStatus.FAILED, now);
                return StartResult.settled(task, "DELIVERY_LIMIT", lastStored);
            }
            task.moveTo(TaskStatus.RUNNING, now);
            task.leaseEntryId = entryId;
            task.heartbeatAt = now;
            task.nextAttemptAt = null;
            return StartResult.started(task, lastStored);
        }));
    }

    public Uni<TaskRecord> recordProgress(UUID taskId, int attempt, double fraction) {
        return whileHeld(taskId, attempt, (task, now) -> {
            task.progress = fraction;
            task.touch(now);
        });
    }

    /** Records the result; a task whose cancellation was asked for meanwhile ends CANCELLED instead. */
    public Uni<TaskRecord> succeed(UUID taskId, int attempt, String resultJson) {
        return whileHeld(taskId, attempt, (task, now) -> {
            if (task.cancelRequested) {
                task.moveTo(TaskStatus.CANCELLED, now);
                return;
            }
            task.result = resultJson;
            task.progress = 1.0;
            recordError(task, null);
            task.moveTo(TaskStatus.SUCCEEDED, now);
        });
    }

    public Uni<TaskRecord> fail(UUID taskId, int attempt, TaskError error) {
        return whileHeld(taskId, attempt, (task, now) -> {
            recordError(task, error);
            task.moveTo(TaskStatus.FAILED, now);
        });
    }

    public Uni<TaskRecord> cancel(UUID taskId, int attempt) {
        return whileHeld(taskId, attempt, (task, now) -> task.moveTo(TaskStatus.CANCELLED, now));
    }

    /**
     * Puts the task back in the queue until {@code dueAt}, keeping the error that caused the
     * retry visible. The caller then schedules the retry's stream entry.
     */
    public Uni<TaskRecord> scheduleRetry(UUID taskId, int attempt, TaskError error, Instant dueAt) {
        return whileHeld(taskId, attempt, (task, now) -> {
            recordError(task, error);
            if (task.cancelRequested) {
                task.moveTo(TaskStatus.CANCELLED, now);
                return;
            }
            task.moveTo(TaskStatus.QUEUED, now);
            task.leaseEntryId = null;
            task.nextAttemptAt = dueAt;
            task.enqueuedAt = dueAt;
        });
    }

    /**
     * Hands the task back to the queue until {@code dueAt} as if this attempt had not started:
     * the handler deferred before doing any work, so the attempt is not counted.
     */
    public Uni<TaskRecord> defer(UUID taskId, int attempt, Instant dueAt) {
        return whileHeld(taskId, attempt, (task, now) -> {
            if (task.cancelRequested) {
                task.moveTo(TaskStatus.CANCELLED, now);
                return;
            }
            task.moveTo(TaskStatus.QUEUED, now);
            task.attempts = attempt - 1;
            task.leaseEntryId = null;
            task.nextAttemptAt = dueAt;
            task.enqueuedAt = dueAt;
        });
    }

    /** Marks the given running tasks as alive; one statement for all of them. */
    public Uni<Integer> heartbeat(Collection<UUID> taskIds) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("UPDATE tasks SET heartbeat_at = :now WHERE id IN (:ids) AND status = 'RUNNING'")
                .setParameter("now", now())
                .setParameter("ids", taskIds)
                .executeUpdate()));
    }

    private Uni<TaskRecord> whileHeld(UUID taskId, int attempt, Change change) {
        return Panache.withTransaction(() -> lock(taskId).map(task -> {
            if (task == null || task.status != TaskStatus.RUNNING || task.attempts != attempt) {
                return null;
            }
            change.apply(task, now());
            return task;
        }));
    }

    private Uni<TaskRecord> lock(UUID taskId) {
        return findById(taskId, LockModeType.PESSIMISTIC_WRITE);
    }

    private static void recordError(TaskRecord task, TaskError error) {
        task.errorCode = error == null ? null : error.code();
        task.errorMessage = error == null ? null : error.message();
        task.errorRetryable = error == null ? null : error.retryable();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @FunctionalInterface
    private interface Change {
        void apply(TaskRecord task, Instant now);
    }
}
