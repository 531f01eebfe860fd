package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskRecord;
import java.time.Instant;
import java.util.UUID;

/**
 * Where a worker records what its attempts do to their tasks. Every change of a running task is
 * fenced by the attempt: it applies only while the task is still {@code RUNNING} under that
 * attempt number, and answers the changed row, or {@code null} when the attempt no longer holds
 * the task (it was cancelled, swept back to the queue, or taken over by a newer attempt).
 */
interface TaskLedger {

    /**
     * Starts a new attempt of a queued (or abandoned) task delivered as {@code entryId}; a task
     * already started {@code deliveryLimit} times is given up on instead.
     */
    Uni<StartResult> startAttempt(UUID taskId, String entryId, int deliveryLimit);

    Uni<TaskRecord> recordProgress(UUID taskId, int attempt, double fraction);

    Uni<TaskRecord> succeed(UUID taskId, int attempt, String resultJson);

    Uni<TaskRecord> fail(UUID taskId, int attempt, TaskError error);

    /** Finishes the attempt as cancelled, as its task's cancellation asked. */
    Uni<TaskRecord> cancel(UUID taskId, int attempt);

    /** Records the failure and queues the task again for another attempt at {@code dueAt}. */
    Uni<TaskRecord> scheduleRetry(UUID taskId, int attempt, TaskError error, Instant dueAt);

    /** Queues the task again for {@code dueAt} without counting the attempt as a failure. */
    Uni<TaskRecord> defer(UUID taskId, int attempt, Instant dueAt);
}
