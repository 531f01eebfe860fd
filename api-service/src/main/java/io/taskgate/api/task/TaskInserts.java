package io.taskgate.api.task;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskRecord;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Stores a batch of new tasks with one statement, over the reactive client rather than a
 * Hibernate session: the rows are new and complete, so there is nothing for a session to track,
 * and one {@code INSERT … SELECT FROM unnest(…)} costs one round trip whatever the batch size.
 *
 * <p>Tasks that carry an Idempotency-Key are stored in one transaction with their keys. Every
 * key is claimed with {@code ON CONFLICT DO NOTHING}; the tasks whose key another submission
 * already holds (or an earlier request of this same batch) are deleted again before the commit.
 * Keys are claimed sorted by tenant and key, so two batches that share keys wait for each other
 * in the same order and never deadlock.
 */
@ApplicationScoped
public class TaskInserts {

    /** What a submit hands over: the row to store and, when it carries one, the key to claim for it. */
    public record NewTask(TaskRecord task, KeyClaim claim) {
    }

    /** An Idempotency-Key and the fingerprint of the request that first used it. */
    public record KeyClaim(String key, String fingerprint) {
    }

    private static final String INSERT_TASKS = """
            INSERT INTO tasks (id, tenant_id, type, status, input, attempts, event_seq,
                               created_at, updated_at, enqueued_at)
            SELECT id, tenant_id, type, 'QUEUED', input::jsonb, 0, 1, created_at, created_at, created_at
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                AS new_task (id, tenant_id, type, input, created_at)""";

    private static final String CLAIM_KEYS = """
            INSERT INTO idempotency_keys (tenant_id, key, request_hash, task_id, created_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
            ON CONFLICT (tenant_id, key) DO NOTHING
            RETURNING task_id""";

    private static final String DELETE_TASKS = "DELETE FROM tasks WHERE id = ANY($1::uuid[])";

    private static final String WITHDRAW_QUEUED = "DELETE FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'QUEUED'";

    private final Pool pool;

    public TaskInserts(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores the batch atomically. Answers the ids of the tasks whose key was already taken
     * (their rows are not kept); every other task of the batch is committed.
     */
    public Uni<Set<UUID>> insert(List<NewTask> batch) {
        List<NewTask> keyed = batch.stream().filter(task -> task.claim() != null).toList();
        if (keyed.isEmpty()) {
            // One statement is its own transaction: no BEGIN and COMMIT round trips.
            return insertTasks(pool, batch).replaceWith(Set.of());
        }
        return pool.withTransaction(connection -> insertTasks(connection, batch)
                .chain(() -> claimKeys(connection, keyed))
                .call(taken -> taken.isEmpty() ? Uni.createFrom().voidItem()
                        : connection.preparedQuery(DELETE_TASKS).execute(Tuple.tuple().addArrayOfUUID(taken.toArray(UUID[]::new)))));
    }

    /** Removes tasks that never made it onto the stream, unless a worker already picked one up. */
    public Uni<Void> withdraw(List<UUID> ids) {
        return pool.preparedQuery(WITHDRAW_QUEUED).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new))).replaceWithVoid();
    }

    private static Uni<Void> insertTasks(SqlClient client, List<NewTask> batch) {
        int size = batch.size();
        UUID[] ids = new UUID[size];
        String[] tenants = new String[size];
        String[] types = new String[size];
        String[] inputs = new String[size];
        OffsetDateTime[] createdAt = new OffsetDateTime[size];
        for (int i = 0; i < size; i++) {
            TaskRecord task = batch.get(i).task();
            ids[i] = task.id;
            tenants[i] = task.tenantId;
            types[i] = task.type;
            inputs[i] = task.input;
            createdAt[i] = task.createdAt.atOffset(ZoneOffset.UTC);
        }
        return client.preparedQuery(INSERT_TASKS)
                .execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(tenants).addArrayOfString(types)
                        .addArrayOfString(inputs).addArrayOfOffsetDateTime(createdAt))
                .replaceWithVoid();
    }

    /** Claims every key; answers the ids of the tasks that did not get theirs. */
    private static Uni<Set<UUID>> claimKeys(SqlClient client, List<NewTask> keyed) {
        // A stable sort: of two requests of this batch with the same key, the earlier one wins.
        List<NewTask> inLockOrder = new ArrayList<>(keyed);
        inLockOrder.sort(Comparator.comparing((NewTask task) -> task.task().tenantId)
                .thenComparing(task -> task.claim().key()));
        int size = inLockOrder.size();
        String[] tenants = new String[size];
        String[] keys = new String[size];
        String[] fingerprints = new String[size];
        UUID[] taskIds = new UUID[size];
        OffsetDateTime[] createdAt = new OffsetDateTime[size];
        for (int i = 0; i < size; i++) {
            NewTask task = inLockOrder.get(i);
            tenants[i] = task.task().tenantId;
            keys[i] = task.claim().key();
            fingerprints[i] = task.claim().fingerprint();
            taskIds[i] = task.task().id;
            createdAt[i] = task.task().createdAt.atOffset(ZoneOffset.UTC);
        }
        return client.preparedQuery(CLAIM_KEYS)
                .execute(Tuple.tuple().addArrayOfString(tenants).addArrayOfString(keys)
                        .addArrayOfString(fingerprints).addArrayOfUUID(taskIds).addArrayOfOffsetDateTime(createdAt))
                .map(claimed -> {
                    Set<UUID> taken = new HashSet<>(List.of(taskIds));
                    for (Row row : claimed) {
                        taken.remove(row.getUUID(0));
                    }
                    return taken;
                });
    }
}
