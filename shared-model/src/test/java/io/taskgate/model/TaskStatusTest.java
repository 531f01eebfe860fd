package io.taskgate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskStatusTest {

    @Test
    void finalStatusesHaveNoSuccessors() {
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(status.successors().isEmpty()).as(status.name()).isEqualTo(status.isFinal());
        }
    }

    @Test
    void queuedTaskNeverSucceedsWithoutRunning() {
        assertThat(TaskStatus.QUEUED.successors())
                .containsExactlyInAnyOrder(TaskStatus.RUNNING, TaskStatus.CANCELLED, TaskStatus.FAILED);
        assertThat(TaskStatus.QUEUED.canMoveTo(TaskStatus.SUCCEEDED)).isFalse();
    }

    @Test
    void parseAcceptsAnyCaseAndRejectsUnknownNames() {
        assertThat(TaskStatus.parse("running")).contains(TaskStatus.RUNNING);
        assertThat(TaskStatus.parse("done")).isEmpty();
        assertThat(TaskStatus.parse(null)).isEmpty();
    }

    @Test
    void runningCountsAnAttemptAndEveryChangeRaisesTheSequence() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TaskRecord task = TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{}", now);
        long seqAtCreation = task.eventSeq;

        task.moveTo(TaskStatus.RUNNING, now.plusSeconds(1));
        task.touch(now.plusSeconds(2));
        task.moveTo(TaskStatus.SUCCEEDED, now.plusSeconds(3));

        assertThat(task.attempts).isEqualTo(1);
        assertThat(task.eventSeq).isEqualTo(seqAtCreation + 3);
        assertThat(task.startedAt).isEqualTo(now.plusSeconds(1));
        assertThat(task.finishedAt).isEqualTo(now.plusSeconds(3));
    }

    @Test
    void finalTaskRefusesAnyFurtherMove() {
        Instant now = Instant.now();
        TaskRecord task = TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{}", now);
        task.moveTo(TaskStatus.CANCELLED, now);

        assertThatThrownBy(() -> task.moveTo(TaskStatus.RUNNING, now)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void restartingAnAbandonedAttemptIsOneStepInTheSequence() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TaskRecord task = TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{}", now);
        task.moveTo(TaskStatus.RUNNING, now);
        long seqOfDeadAttempt = task.eventSeq;

        task.takeBackAbandonedAttempt();
        task.moveTo(TaskStatus.RUNNING, now.plusSeconds(1));

        assertThat(task.attempts).isEqualTo(2);
        assertThat(task.eventSeq).isEqualTo(seqOfDeadAttempt + 1);
        TaskRecord queued = TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{}", now);
        assertThatThrownBy(queued::takeBackAbandonedAttempt).isInstanceOf(IllegalStateException.class);
    }
}
