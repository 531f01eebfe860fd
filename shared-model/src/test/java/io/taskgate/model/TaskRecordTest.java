package io.taskgate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskRecordTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static TaskRecord queued() {
        return TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{}", T0);
    }

    @Test
    void anAttemptIsHeldByItsDeliveryAndClearsAWaitingRetry() {
        TaskRecord task = queued();
        task.nextAttemptAt = T0.plusSeconds(5);

        task.startAttempt("1-0", T0.plusSeconds(6));

        assertThat(task.status).isEqualTo(TaskStatus.RUNNING);
        assertThat(task.attempts).isEqualTo(1);
        assertThat(task.leaseEntryId).isEqualTo("1-0");
        assertThat(task.heartbeatAt).isEqualTo(T0.plusSeconds(6));
        assertThat(task.nextAttemptAt).isNull();
        assertThat(task.eventSeq).isEqualTo(2);
    }

    @Test
    void failingRecordsTheErrorAndEndsTheTask() {
        TaskRecord task = queued();
        task.startAttempt("1-0", T0);

        task.fail(TaskError.permanent("BROKEN", "it broke"), T0.plusSeconds(1));

        assertThat(task.status).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).isEqualTo(new TaskError("BROKEN", "it broke", false));
        assertThat(task.errorRetryable).isFalse();
        assertThat(task.finishedAt).isEqualTo(T0.plusSeconds(1));
        assertThat(task.eventSeq).isEqualTo(3);
    }

    @Test
    void aQueuedTaskFailsWithoutAnotherRunAndKeepsARetryableMark() {
        TaskRecord task = queued();

        task.fail(TaskError.transientError("DELIVERY_LIMIT", "given up"), T0.plusSeconds(1));

        assertThat(task.status).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts).isZero();
        assertThat(task.errorRetryable).isTrue();
        assertThat(task.eventSeq).isEqualTo(2);
    }

    @Test
    void aFinishedTaskCannotFailAndKeepsItsOutcome() {
        TaskRecord task = queued();
        task.moveTo(TaskStatus.CANCELLED, T0);

        assertThatThrownBy(() -> task.fail(TaskError.permanent("LATE", "too late"), T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(task.status).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.error()).isNull();
    }

    @Test
    void onlyTheFirstCancelRequestIsAChange() {
        TaskRecord task = queued();
        task.startAttempt("1-0", T0);
        long seqBefore = task.eventSeq;

        assertThat(task.requestCancel(T0.plusSeconds(1))).isTrue();
        assertThat(task.requestCancel(T0.plusSeconds(2))).isFalse();

        assertThat(task.cancelRequested).isTrue();
        assertThat(task.status).isEqualTo(TaskStatus.RUNNING);
        assertThat(task.eventSeq).isEqualTo(seqBefore + 1);
        assertThat(task.updatedAt).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aCancelRequestNeedsARunningTask() {
        TaskRecord task = queued();

        assertThatThrownBy(() -> task.requestCancel(T0)).isInstanceOf(IllegalStateException.class);
        assertThat(task.cancelRequested).isFalse();
    }

    @Test
    void requeueingARunningTaskIsAChangeAndDropsItsLease() {
        TaskRecord task = queued();
        task.startAttempt("1-0", T0);
        long seqBefore = task.eventSeq;

        assertThat(task.requeue(T0.plusSeconds(9))).isTrue();

        assertThat(task.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.leaseEntryId).isNull();
        assertThat(task.enqueuedAt).isEqualTo(T0.plusSeconds(9));
        assertThat(task.eventSeq).isEqualTo(seqBefore + 1);
    }

    @Test
    void requeueingAQueuedTaskOnlyMarksItEnqueuedAgain() {
        TaskRecord task = queued();
        task.leaseEntryId = "1-0";
        long seqBefore = task.eventSeq;

        assertThat(task.requeue(T0.plusSeconds(9))).isFalse();

        assertThat(task.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.leaseEntryId).isNull();
        assertThat(task.enqueuedAt).isEqualTo(T0.plusSeconds(9));
        assertThat(task.eventSeq).isEqualTo(seqBefore);
    }

    @Test
    void aFinishedTaskCannotBeRequeued() {
        TaskRecord task = queued();
        task.moveTo(TaskStatus.CANCELLED, T0);

        assertThatThrownBy(() -> task.requeue(T0.plusSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThat(task.status).isEqualTo(TaskStatus.CANCELLED);
    }
}
