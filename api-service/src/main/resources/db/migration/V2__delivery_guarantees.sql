-- Columns and tables behind at-least-once delivery with exactly one recorded outcome.

-- The stream entry whose delivery holds the current attempt. A redelivery of that same entry
-- (its holder died) may restart the task; any other entry for a running task is a duplicate.
ALTER TABLE tasks ADD COLUMN lease_entry_id varchar(40);
-- The running attempt's last sign of life, refreshed by the worker that holds it.
ALTER TABLE tasks ADD COLUMN heartbeat_at timestamptz;
-- When a retry scheduled after a retryable failure is due.
ALTER TABLE tasks ADD COLUMN next_attempt_at timestamptz;
-- Set when cancellation of a running task is asked for; the holder stops and records CANCELLED.
ALTER TABLE tasks ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
-- When an entry for the task was last put on the stream; the sweeper re-queues tasks whose
-- entry has been gone far longer than any queue wait.
ALTER TABLE tasks ADD COLUMN enqueued_at timestamptz;
UPDATE tasks SET enqueued_at = created_at WHERE status = 'QUEUED';

-- Idempotency-Key: one task per (tenant, key) within the configured window.
CREATE TABLE idempotency_keys (
    tenant_id    varchar(64)  NOT NULL,
    key          varchar(255) NOT NULL,
    request_hash char(64)     NOT NULL,
    task_id      uuid         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    created_at   timestamptz  NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Retention purges finished tasks oldest first; the sweeper and the stuck-task report look at
-- queued tasks by age and running tasks by heartbeat. Partial indexes keep each one small.
CREATE INDEX tasks_finished_by_age  ON tasks (finished_at) WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED');
CREATE INDEX tasks_queued_by_age    ON tasks (enqueued_at) WHERE status = 'QUEUED';
CREATE INDEX tasks_running_by_heartbeat ON tasks (heartbeat_at) WHERE status = 'RUNNING';
