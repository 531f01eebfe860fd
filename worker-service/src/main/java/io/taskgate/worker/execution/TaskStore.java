package io.taskgate.worker.execution;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Consumer;
import jakarta.persistence.LockModeType;

/**
 * The worker's writes to the tasks table. Each change locks the row, checks that the lifecycle
 * allows it from the status found, and applies it in one transaction: a change that arrives too
 * late (the task was cancelled or already finished) changes nothing and returns null.
 */
@ApplicationScoped
public class TaskStore implements PanacheRepositoryBase<TaskRecord, UUID> {

    private final Clock clock = Clock.systemUTC();

    /**
     * Marks the task RUNNING for a new attempt. A task found RUNNING was left behind by an
     * attempt that died before recording an outcome; it is started again rather than left stuck.
     */
    public Uni<TaskRecord> startAttempt(UUID taskId) {
        return change(taskId, (task, now) -> {
            if (task.status == TaskStatus.RUNNING) {
                task.moveTo(TaskStatus.QUEUED, now);
            }
            if (!task.status.canMoveTo(TaskStatus.RUNNING)) {
                return false;
            }
            task.moveTo(TaskStatus.RUNNING, now);
            return true;
        });
    }

    public Uni<TaskRecord> recordProgress(UUID taskId, double fraction) {
        return whileRunning(taskId, task -> task.progress = fraction);
    }

    /** Counts an output chunk in the task's sequence so subscribers can order it. */
    public Uni<TaskRecord> recordOutput(UUID taskId) {
        return whileRunning(taskId, task -> { });
    }

    public Uni<TaskRecord> succeed(UUID taskId, String resultJson) {
        return change(taskId, (task, now) -> {
            if (!task.status.canMoveTo(TaskStatus.SUCCEEDED) || task.status != TaskStatus.RUNNING) {
                return false;
            }
            task.result = resultJson;
            task.progress = 1.0;
            task.moveTo(TaskStatus.SUCCEEDED, now);
            return true;
        });
    }

    public Uni<TaskRecord> fail(UUID taskId, TaskError error) {
        return change(taskId, (task, now) -> {
            if (task.status != TaskStatus.RUNNING) {
                return false;
            }
            task.errorCode = error.code();
            task.errorMessage = error.message();
            task.errorRetryable = error.retryable();
            task.moveTo(TaskStatus.FAILED, now);
            return true;
        });
    }

    private Uni<TaskRecord> whileRunning(UUID taskId, Consumer<TaskRecord> update) {
        return change(taskId, (task, now) -> {
            if (task.status != TaskStatus.RUNNING) {
                return false;
            }
            update.accept(task);
            task.touch(now);
            return true;
        });
    }

    /** Loads the row under a lock, applies {@code change}, and returns the row if it changed. */
    private Uni<TaskRecord> change(UUID taskId, Change change) {
        return Panache.withTransaction(() -> findById(taskId, LockModeType.PESSIMISTIC_WRITE)
                .map(task -> task != null && change.apply(task, now()) ? task : null));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @FunctionalInterface
    private interface Change {
        /** Applies the change to a locked row; false when the row's status does not allow it. */
        boolean apply(TaskRecord task, Instant now);
    }
}
