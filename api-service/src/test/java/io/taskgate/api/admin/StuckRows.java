package io.taskgate.api.admin;

import io.taskgate.api.TestDatabase;
import io.taskgate.model.TaskIds;
import java.time.Instant;
import java.util.UUID;

/** Writes task rows in the states the stuck-task report looks for, as a dead worker or a lost entry leaves them. */
final class StuckRows {

    private StuckRows() {
    }

    /** A task a worker started at {@code startedAt} and last reported on at {@code heartbeatAt} (null: never). */
    static UUID running(Instant startedAt, Instant heartbeatAt) {
        UUID id = TaskIds.newId();
        TestDatabase.update("""
                INSERT INTO tasks (id, tenant_id, type, status, input, attempts, event_seq, created_at, started_at,
                                   updated_at, heartbeat_at, enqueued_at, lease_entry_id)
                VALUES (?, 'default', 'echo', 'RUNNING', '{}'::jsonb, 1, 2, ?, ?, ?, ?, ?, '1-0')""",
                id, startedAt, startedAt, startedAt, heartbeatAt, startedAt);
        return id;
    }

    /** A task put on the stream at {@code enqueuedAt}, with a retry due at {@code nextAttemptAt} (null: none). */
    static UUID queued(Instant enqueuedAt, Instant nextAttemptAt) {
        UUID id = TaskIds.newId();
        TestDatabase.update("""
                INSERT INTO tasks (id, tenant_id, type, status, input, attempts, event_seq, created_at, updated_at,
                                   enqueued_at, next_attempt_at)
                VALUES (?, 'default', 'echo', 'QUEUED', '{}'::jsonb, 0, 1, ?, ?, ?, ?)""",
                id, enqueuedAt, enqueuedAt, enqueuedAt, nextAttemptAt);
        return id;
    }

    /** A task that succeeded long ago; never stuck, however old. */
    static UUID finished(Instant at) {
        UUID id = TaskIds.newId();
        TestDatabase.update("""
                INSERT INTO tasks (id, tenant_id, type, status, input, attempts, event_seq, created_at, started_at,
                                   finished_at, updated_at)
                VALUES (?, 'default', 'echo', 'SUCCEEDED', '{}'::jsonb, 1, 3, ?, ?, ?, ?)""",
                id, at, at, at, at);
        return id;
    }
}
