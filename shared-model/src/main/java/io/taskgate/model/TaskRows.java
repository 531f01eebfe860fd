package io.taskgate.model;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A tasks row as the reactive client returns it, read into a (detached) {@link TaskRecord}: the
 * services read and change rows with plain statements where a Hibernate session would cost more
 * than the statement.
 */
public final class TaskRows {

    /** Every column, the JSON ones as text, in the names {@link #from(Row)} reads. */
    public static final String COLUMNS = "id, tenant_id, type, status, input::text AS input, progress, result::text AS result, "
            + "error_code, error_message, error_retryable, attempts, event_seq, created_at, started_at, finished_at, "
            + "updated_at, lease_entry_id, heartbeat_at, next_attempt_at, cancel_requested, enqueued_at";

    private TaskRows() {
    }

    public static TaskRecord from(Row row) {
        TaskRecord task = new TaskRecord();
        task.id = row.getUUID("id");
        task.tenantId = row.getString("tenant_id");
        task.type = row.getString("type");
        task.status = TaskStatus.valueOf(row.getString("status"));
        task.input = row.getString("input");
        task.progress = row.getDouble("progress");
        task.result = row.getString("result");
        task.errorCode = row.getString("error_code");
        task.errorMessage = row.getString("error_message");
        task.errorRetryable = row.getBoolean("error_retryable");
        task.attempts = row.getInteger("attempts");
        task.eventSeq = row.getLong("event_seq");
        task.createdAt = instant(row, "created_at");
        task.startedAt = instant(row, "started_at");
        task.finishedAt = instant(row, "finished_at");
        task.updatedAt = instant(row, "updated_at");
        task.leaseEntryId = row.getString("lease_entry_id");
        task.heartbeatAt = instant(row, "heartbeat_at");
        task.nextAttemptAt = instant(row, "next_attempt_at");
        task.cancelRequested = row.getBoolean("cancel_requested");
        task.enqueuedAt = instant(row, "enqueued_at");
        return task;
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
