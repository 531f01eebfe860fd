package io.taskgate.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StuckCriteriaTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final StuckCriteria CRITERIA = new StuckCriteria(NOW, NOW.minus(Duration.ofMinutes(2)),
            NOW.minus(Duration.ofMinutes(15)));

    @Test
    void runningTaskIsStuckWhenItsLastHeartbeatIsTooOld() {
        TaskRecord task = running(NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(3)));
        assertThat(CRITERIA.reasonFor(task)).contains(StuckReason.RUNNING_WITHOUT_HEARTBEAT);
        assertThat(StuckCriteria.since(task)).isEqualTo(NOW.minus(Duration.ofMinutes(3)));

        task.heartbeatAt = NOW.minus(Duration.ofMinutes(1));
        assertThat(CRITERIA.reasonFor(task)).isEmpty();
    }

    @Test
    void runningTaskWithoutAnyHeartbeatCountsFromItsStart() {
        assertThat(CRITERIA.reasonFor(running(NOW.minus(Duration.ofMinutes(5)), null)))
                .contains(StuckReason.RUNNING_WITHOUT_HEARTBEAT);
        assertThat(CRITERIA.reasonFor(running(NOW.minus(Duration.ofMinutes(1)), null))).isEmpty();
    }

    @Test
    void queuedTaskIsStuckWhenDueAndWaitingTooLong() {
        TaskRecord task = queued(NOW.minus(Duration.ofMinutes(16)));
        assertThat(CRITERIA.reasonFor(task)).contains(StuckReason.QUEUED_TOO_LONG);

        task.nextAttemptAt = NOW.plus(Duration.ofMinutes(1));
        assertThat(CRITERIA.reasonFor(task)).as("waiting for a scheduled retry").isEmpty();
        task.nextAttemptAt = NOW.minus(Duration.ofMinutes(1));
        assertThat(CRITERIA.reasonFor(task)).contains(StuckReason.QUEUED_TOO_LONG);

        assertThat(CRITERIA.reasonFor(queued(NOW.minus(Duration.ofMinutes(14))))).isEmpty();
    }

    @Test
    void queuedTaskWithoutEnqueueTimeCountsFromItsCreation() {
        TaskRecord task = queued(NOW.minus(Duration.ofMinutes(20)));
        task.enqueuedAt = null;
        assertThat(StuckCriteria.since(task)).isEqualTo(task.createdAt);
        assertThat(CRITERIA.reasonFor(task)).contains(StuckReason.QUEUED_TOO_LONG);
    }

    @Test
    void finishedTasksAreNeverStuck() {
        TaskRecord task = running(NOW.minus(Duration.ofHours(2)), null);
        task.moveTo(TaskStatus.SUCCEEDED, NOW.minus(Duration.ofHours(1)));
        assertThat(CRITERIA.reasonFor(task)).isEmpty();
    }

    private static TaskRecord running(Instant startedAt, Instant heartbeatAt) {
        TaskRecord task = queued(startedAt);
        task.moveTo(TaskStatus.RUNNING, startedAt);
        task.heartbeatAt = heartbeatAt;
        return task;
    }

    private static TaskRecord queued(Instant at) {
        return TaskRecord.queued(UUID.randomUUID(), "default", "echo", "{}", at);
    }
}
