package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code api_keys} table, through the reactive client directly: authentication runs before
 * any request's Hibernate session exists and must not open one.
 */
@ApplicationScoped
public class ApiKeyStore {

    private static final String COLUMNS = "id, tenant_id, name, roles, created_at, last_used_at, expires_at, revoked_at";

    private final Pool pool;

    public ApiKeyStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<StoredApiKey> insert(UUID id, String tenantId, String name, Set<Role> roles, String keyHash,
            OffsetDateTime createdAt, OffsetDateTime expiresAt) {
        return pool.preparedQuery("INSERT INTO api_keys (id, tenant_id, name, roles, key_hash, created_at, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(id, tenantId, name, wireNames(roles), keyHash, createdAt))
                        .addOffsetDateTime(expiresAt))
                .map(rows -> toKey(rows.iterator().next()));
    }

    /** The key with this hash, revoked and expired ones included (the caller decides). */
    public Uni<Optional<StoredApiKey>> findByHash(String keyHash) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = $1")
                .execute(Tuple.of(keyHash))
                .map(ApiKeyStore::first);
    }

    /** A tenant's keys that are not revoked, oldest first. */
    public Uni<List<StoredApiKey>> listForTenant(String tenantId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL "
                        + "ORDER BY created_at, id")
                .execute(Tuple.of(tenantId))
                .map(ApiKeyStore::all);
    }

    /**
     * Marks the key revoked; empty if there is no such key (of {@code tenantId}, unless that is
     * null) or it was revoked already.
     */
    public Uni<Optional<StoredApiKey>> revoke(UUID id, String tenantId, OffsetDateTime now) {
        return pool.preparedQuery("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL "
                        + "AND ($3::text IS NULL OR tenant_id = $3) RETURNING " + COLUMNS)
                .execute(Tuple.of(id, now, tenantId))
                .map(ApiKeyStore::first);
    }

    public Uni<Void> recordUse(UUID id, OffsetDateTime at) {
        return pool.preparedQuery("UPDATE api_keys SET last_used_at = $2 WHERE id = $1 "
                        + "AND (last_used_at IS NULL OR last_used_at < $2)")
                .execute(Tuple.of(id, at))
                .replaceWithVoid();
    }

    private static String[] wireNames(Set<Role> roles) {
        return roles.stream().map(Role::wireName).sorted().toArray(String[]::new);
    }

    private static Optional<StoredApiKey> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toKey(iterator.next())) : Optional.empty();
    }

    private static List<StoredApiKey> all(RowSet<Row> rows) {
        List<StoredApiKey> keys = new ArrayList<>();
        rows.forEach(row -> keys.add(toKey(row)));
        return keys;
    }

    private static StoredApiKey toKey(Row row) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : row.getArrayOfStrings("roles")) {
            Role.fromWire(name).ifPresent(roles::add);
        }
        return new StoredApiKey(row.getUUID("id"), row.getString("tenant_id"), row.getString("name"), roles,
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_used_at"),
                row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("revoked_at"));
    }
}
