-- API keys: each bound to one tenant and a set of roles. Only the SHA-256 of a key is stored;
-- the key itself is shown once, when it is created.
CREATE TABLE api_keys (
    id           uuid         PRIMARY KEY,
    tenant_id    varchar(64)  NOT NULL,
    name         varchar(100) NOT NULL,
    roles        text[]       NOT NULL,
    key_hash     char(64)     NOT NULL UNIQUE,
    created_at   timestamptz  NOT NULL,
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);
