package io.taskgate.api.idempotency;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * The {@code idempotency_keys} table. Native SQL because the claim relies on PostgreSQL's
 * {@code ON CONFLICT}: of many concurrent claims of one key exactly one inserts, the others wait
 * for it to commit and then insert nothing. Every method runs in the caller's session.
 *
 * <p>The writes are run as queries ({@code … RETURNING}) rather than with {@code executeUpdate}:
 * same SQL effect, but Hibernate Reactive 3.2.2 logs two warnings (HHH90010101/HHH90010108) per
 * native update it runs in a transaction (hibernate-reactive#3177), which would be one pair per
 * keyed submission.
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** A key as stored: which request it was first used for, and the task that request created. */
    public record StoredKey(String requestHash, UUID taskId, boolean expired) {
    }

    /**
     * Claims the key for {@code taskId} in the caller's transaction. False when the key already
     * names a task (committed by another transaction, or committed while this one waited).
     */
    public Uni<Boolean> claim(String tenantId, IdempotencyKey key, String requestHash, UUID taskId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO idempotency_keys (tenant_id, key, request_hash, task_id, created_at)
                        VALUES (:tenant, :key, :hash, :task, :now)
                        ON CONFLICT (tenant_id, key) DO NOTHING
                        RETURNING key""", String.class)
                .setParameter("tenant", tenantId)
                .setParameter("key", key.value())
                .setParameter("hash", requestHash)
                .setParameter("task", taskId)
                .setParameter("now", now)
                .getResultList())
                .map(inserted -> inserted.size() == 1);
    }

    /** The stored key, or null; {@code expired} when it was created before {@code expiredBefore}. */
    public Uni<StoredKey> find(String tenantId, IdempotencyKey key, Instant expiredBefore) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT request_hash, task_id, created_at < :expiredBefore
                        FROM idempotency_keys WHERE tenant_id = :tenant AND key = :key""", Object[].class)
                .setParameter("tenant", tenantId)
                .setParameter("key", key.value())
                .setParameter("expiredBefore", expiredBefore)
                .getSingleResultOrNull())
                .map(row -> row == null ? null : new StoredKey(
                        String.valueOf(row[0]).trim(), UUID.fromString(String.valueOf(row[1])), Boolean.TRUE.equals(row[2])));
    }

    /**
     * Frees an expired key. Guarded by age, so a key that a concurrent request has just claimed
     * afresh is left alone.
     */
    public Uni<Boolean> deleteIfExpired(String tenantId, IdempotencyKey key, Instant expiredBefore) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        DELETE FROM idempotency_keys
                        WHERE tenant_id = :tenant AND key = :key AND created_at < :expiredBefore
                        RETURNING key""", String.class)
                .setParameter("tenant", tenantId)
                .setParameter("key", key.value())
                .setParameter("expiredBefore", expiredBefore)
                .getResultList())
                .map(deleted -> deleted.size() == 1);
    }
}
