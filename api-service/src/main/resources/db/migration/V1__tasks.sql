-- The tasks table: one row per accepted task, owned by the api-service (this migration set).
-- The worker-service updates status, progress and outcome; nobody else writes here.
CREATE TABLE tasks (
    id              uuid PRIMARY KEY,
    tenant_id       varchar(64)  NOT NULL,
    type            varchar(100) NOT NULL,
    status          varchar(16)  NOT NULL
        CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    input           jsonb        NOT NULL,
    progress        double precision CHECK (progress >= 0 AND progress <= 1),
    result          jsonb,
    error_code      varchar(64),
    error_message   text,
    error_retryable boolean,
    attempts        integer      NOT NULL DEFAULT 0,
    event_seq       bigint       NOT NULL DEFAULT 1,
    created_at      timestamptz  NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz  NOT NULL
);

-- The task list is read newest first per tenant, optionally narrowed by status or type, and
-- paged with a (created_at, id) keyset: each index serves one of those shapes without a sort.
CREATE INDEX tasks_by_tenant_newest        ON tasks (tenant_id, created_at DESC, id DESC);
CREATE INDEX tasks_by_tenant_status_newest ON tasks (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX tasks_by_tenant_type_newest   ON tasks (tenant_id, type, created_at DESC, id DESC);
