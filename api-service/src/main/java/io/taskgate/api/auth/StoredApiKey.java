package io.taskgate.api.auth;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/** An API key as stored, without its secret. */
public record StoredApiKey(UUID id, String tenantId, String name, Set<Role> roles, OffsetDateTime createdAt,
        OffsetDateTime lastUsedAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt) {

    public Caller caller() {
        return new Caller(tenantId, roles, "key:" + id);
    }

    public boolean usableAt(OffsetDateTime now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
