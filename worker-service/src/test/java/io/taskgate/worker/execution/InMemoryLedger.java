package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task rows in memory with the ledger's fencing rules: a change applies only while the task is
 * RUNNING under the attempt that asks. {@link #supersede} moves a task on behind an attempt's
 * back, as a sweeper or a newer attempt would.
 */
final class InMemoryLedger implements TaskLedger {

    private final Map<UUID, TaskRecord> rows = new ConcurrentHashMap<>();
    final List<String> calls = new ArrayList<>();
    volatile Instant lastDueAt;

    TaskRecord add(String type, String inputJson) {
        TaskRecord task = new TaskRecord();
        task.id = UUID.randomUUID();
        task.tenantId = "tenant-a";
        task.type = type;
        task.status = TaskStatus.QUEUED;
        task.input = inputJson;
        task.createdAt = Instant.now();
        rows.put(task.id, task);
        return copy(task);
    }

    TaskRecord row(UUID id) {
        return copy(rows.get(id));
    }

    /** Another party takes the task away from its running attempt. */
    void supersede(UUID id) {
        TaskRecord row = rows.get(id);
        row.status = TaskStatus.QUEUED;
        row.attempts++;
    }

    void setAttempts(UUID id, int attempts) {
        rows.get(id).attempts = attempts;
    }

    @Override
    public synchronized Uni<StartResult> startAttempt(UUID taskId, String entryId, int deliveryLimit) {
        calls.add("start");
        TaskRecord row = rows.get(taskId);
        if (row == null) {
            return Uni.createFrom().item(StartResult.skipped());
        }
        if (row.status.isFinal()) {
            return Uni.createFrom().item(StartResult.finished(io.taskgate.model.TaskViews.of(row,
                    new com.fasterxml.jackson.databind.ObjectMapper())));
        }
        row.status = TaskStatus.RUNNING;
        row.attempts++;
        row.leaseEntryId = entryId;
        row.startedAt = Instant.now();
        row.eventSeq++;
        return Uni.createFrom().item(StartResult.started(copy(row), null));
    }

    @Override
    public Uni<TaskRecord> recordProgress(UUID taskId, int attempt, double fraction) {
        return held("progress", taskId, attempt, row -> row.progress = fraction);
    }

    @Override
    public Uni<TaskRecord> succeed(UUID taskId, int attempt, String resultJson) {
        return held("succeed", taskId, attempt, row -> {
            row.status = TaskStatus.SUCCEEDED;
            row.result = resultJson;
            row.finishedAt = Instant.now();
        });
    }

    @Override
    public Uni<TaskRecord> fail(UUID taskId, int attempt, TaskError error) {
        return held("fail", taskId, attempt, row -> {
            row.status = TaskStatus.FAILED;
            withError(row, error);
            row.finishedAt = Instant.now();
        });
    }

    @Override
    public Uni<TaskRecord> cancel(UUID taskId, int attempt) {
        return held("cancel", taskId, attempt, row -> {
            row.status = TaskStatus.CANCELLED;
            row.finishedAt = Instant.now();
        });
    }

    @Override
    public Uni<TaskRecord> scheduleRetry(UUID taskId, int attempt, TaskError error, Instant dueAt) {
        return held("retry", taskId, attempt, row -> {
            row.status = TaskStatus.QUEUED;
            withError(row, error);
            row.nextAttemptAt = dueAt;
            lastDueAt = dueAt;
        });
    }

    @Override
    public Uni<TaskRecord> defer(UUID taskId, int attempt, Instant dueAt) {
        return held("defer", taskId, attempt, row -> {
            row.status = TaskStatus.QUEUED;
            row.nextAttemptAt = dueAt;
            lastDueAt = dueAt;
        });
    }

    private synchronized Uni<TaskRecord> held(String call, UUID taskId, int attempt,
            java.util.function.Consumer<TaskRecord> change) {
        calls.add(call);
        TaskRecord row = rows.get(taskId);
        if (row == null || row.status != TaskStatus.RUNNING || row.attempts != attempt) {
            return Uni.createFrom().nullItem();
        }
        change.accept(row);
        row.eventSeq++;
        row.updatedAt = Instant.now();
        return Uni.createFrom().item(copy(row));
    }

    private static void withError(TaskRecord row, TaskError error) {
        row.errorCode = error.code();
        row.errorMessage = error.message();
        row.errorRetryable = error.retryable();
    }

    private static TaskRecord copy(TaskRecord from) {
        TaskRecord to = new TaskRecord();
        to.id = from.id;
        to.tenantId = from.tenantId;
        to.type = from.type;
        to.status = from.status;
        to.input = from.input;
        to.progress = from.progress;
        to.result = from.result;
        to.errorCode = from.errorCode;
        to.errorMessage = from.errorMessage;
        to.errorRetryable = from.errorRetryable;
        to.attempts = from.attempts;
        to.eventSeq = from.eventSeq;
        to.createdAt = from.createdAt;
        to.startedAt = from.startedAt;
        to.finishedAt = from.finishedAt;
        to.updatedAt = from.updatedAt;
        to.leaseEntryId = from.leaseEntryId;
        to.nextAttemptAt = from.nextAttemptAt;
        to.cancelRequested = from.cancelRequested;
        return to;
    }
}
