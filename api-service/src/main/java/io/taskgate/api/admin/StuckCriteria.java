package io.taskgate.api.admin;

import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * When a task counts as stuck, fixed at one instant. The listing query ({@link StuckTaskRepository})
 * and the re-check under a row lock before a recovery ({@link StuckTaskRecoverer}) apply the same
 * rules, so an operator never recovers a task that has moved on since it was listed.
 */
public record StuckCriteria(Instant now, Instant runningBefore, Instant queuedBefore) {

    public static StuckCriteria at(Instant now, ApiConfig.Admin config) {
        return new StuckCriteria(now, now.minus(config.stuckRunningAfter()), now.minus(config.stuckQueuedAfter()));
    }

    public Optional<StuckReason> reasonFor(TaskRecord task) {
        Instant since = since(task);
        if (since == null) {
            return Optional.empty();
        }
        if (task.status == TaskStatus.RUNNING && since.isBefore(runningBefore)) {
            return Optional.of(StuckReason.RUNNING_WITHOUT_HEARTBEAT);
        }
        // A task waiting for a scheduled retry is not stuck until that retry is due.
        boolean due = task.nextAttemptAt == null || !task.nextAttemptAt.isAfter(now);
        if (task.status == TaskStatus.QUEUED && due && since.isBefore(queuedBefore)) {
            return Optional.of(StuckReason.QUEUED_TOO_LONG);
        }
        return Optional.empty();
    }

    /**
     * The last sign of progress: a running task's heartbeat (its start, before the first one),
     * a queued task's last enqueue (its creation, for rows older than that column).
     */
    public static Instant since(TaskRecord task) {
        return switch (task.status) {
            case RUNNING -> task.heartbeatAt != null ? task.heartbeatAt : task.startedAt;
            case QUEUED -> task.enqueuedAt != null ? task.enqueuedAt : task.createdAt;
            default -> null;
        };
    }
}
