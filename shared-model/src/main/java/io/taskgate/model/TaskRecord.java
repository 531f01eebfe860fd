package io.taskgate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A task as stored in the {@code tasks} table. The api-service creates rows and owns the schema
 * (Flyway); the worker-service moves them through their lifecycle. Both map the same entity,
 * so the table has one description.
 *
 * <p>JSON columns are kept as text on the Java side: the services pass them through without
 * needing to understand them, and PostgreSQL still stores and checks them as {@code jsonb}.
 */
@Entity
@Table(name = "tasks")
public class TaskRecord {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    @Column(nullable = false, updatable = false)
    public String type;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TaskStatus status;

    @Column(nullable = false, updatable = false)
    @ColumnTransformer(read = "input::text", write = "cast(? as text)::jsonb")
    public String input;

    public Double progress;

    @ColumnTransformer(read = "result::text", write = "cast(? as text)::jsonb")
    public String result;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "error_retryable")
    public Boolean errorRetryable;

    @Column(nullable = false)
    public int attempts;

    /** Rises by one with every recorded change; events carry it so clients can order them. */
    @Column(name = "event_seq", nullable = false)
    public long eventSeq;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The stream entry whose delivery holds the current attempt (see {@link #startAttempt}). */
    @Column(name = "lease_entry_id")
    public String leaseEntryId;

    /** The running attempt's last sign of life. */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    /** When a scheduled retry is due; null unless the task waits for one. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    /** Cancellation was asked for while the task ran; its holder stops it and records CANCELLED. */
    @Column(name = "cancel_requested", nullable = false)
    public boolean cancelRequested;

    /** When an entry for this task was last put on the stream. */
    @Column(name = "enqueued_at")
    public Instant enqueuedAt;

    /** A new task, waiting for a worker. */
    public static TaskRecord queued(UUID id, String tenantId, String type, String inputJson, Instant now) {
        TaskRecord task = new TaskRecord();
        task.id = id;
        task.tenantId = tenantId;
        task.type = type;
        task.status = TaskStatus.QUEUED;
        task.input = inputJson;
        task.attempts = 0;
        task.eventSeq = 1;
        task.createdAt = now;
        task.updatedAt = now;
        task.enqueuedAt = now;
        return task;
    }

    public TaskError error() {
        return errorCode == null ? null : new TaskError(errorCode, errorMessage, Boolean.TRUE.equals(errorRetryable));
    }

    /**
     * Moves the task to {@code next}, counting the change in {@link #eventSeq}.
     *
     * @throws IllegalStateException when the lifecycle does not allow the move; callers check
     *     {@link TaskStatus#canMoveTo} first when a refusal is an expected outcome
     */
    public void moveTo(TaskStatus next, Instant now) {
        if (!status.canMoveTo(next)) {
            throw new IllegalStateException("task " + id + " cannot move from " + status + " to " + next);
        }
        status = next;
        if (next == TaskStatus.RUNNING) {
            startedAt = now;
            attempts++;
            progress = null;
        }
        if (next.isFinal()) {
            finishedAt = now;
        }
        touch(now);
    }

    /**
     * Takes back an attempt whose worker is gone, so the task can start again, be cancelled or
     * fail in the same transaction. Not a change of its own: only the move that follows counts,
     * so subscribers see one step in {@code eventSeq}, not a skipped one.
     */
    public void takeBackAbandonedAttempt() {
        if (status != TaskStatus.RUNNING) {
            throw new IllegalStateException("task " + id + " is " + status + ", not RUNNING");
        }
        status = TaskStatus.QUEUED;
    }

    /**
     * Starts an attempt held by the stream delivery {@code entryId}: only that delivery may record
     * its changes from now on, and its heartbeat starts now.
     */
    public void startAttempt(String entryId, Instant now) {
        moveTo(TaskStatus.RUNNING, now);
        leaseEntryId = entryId;
        heartbeatAt = now;
        nextAttemptAt = null;
    }

    /** Records {@code error} as the task's outcome and ends it FAILED. */
    public void fail(TaskError error, Instant now) {
        if (!status.canMoveTo(TaskStatus.FAILED)) {
            throw new IllegalStateException("task " + id + " cannot move from " + status + " to FAILED");
        }
        errorCode = error.code();
        errorMessage = error.message();
        errorRetryable = error.retryable();
        moveTo(TaskStatus.FAILED, now);
    }

    /**
     * Asks the running attempt to stop; its holder records CANCELLED when it sees the request.
     * Only the first request is a change.
     *
     * @return whether this was the first request
     */
    public boolean requestCancel(Instant now) {
        if (status != TaskStatus.RUNNING) {
            throw new IllegalStateException("task " + id + " is " + status + ", not RUNNING");
        }
        if (cancelRequested) {
            return false;
        }
        cancelRequested = true;
        touch(now);
        return true;
    }

    /**
     * Puts the task back in the queue for a new stream entry, whatever delivery held it: a
     * running task returns to QUEUED (a change), a queued one only loses its lease.
     *
     * @return whether the status changed
     */
    public boolean requeue(Instant now) {
        boolean wasRunning = status == TaskStatus.RUNNING;
        if (wasRunning) {
            moveTo(TaskStatus.QUEUED, now);
        } else if (status != TaskStatus.QUEUED) {
            throw new IllegalStateException("task " + id + " is " + status + " and cannot be queued again");
        }
        leaseEntryId = null;
        enqueuedAt = now;
        return wasRunning;
    }

    /** Counts a change that does not alter the status, such as progress. */
    public void touch(Instant now) {
        eventSeq++;
        updatedAt = now;
    }
}
