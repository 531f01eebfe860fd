package io.taskgate.api.task;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskRows;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Reads and writes task rows for the api-service; every query is scoped to one tenant. The
 * reads that polling clients repeat (one task, one page) are single statements on the reactive
 * pool, not Hibernate sessions: they need no session, run on any context, and cost a fraction
 * of one. The locked read-modify-write paths (cancel, recovery) use Hibernate as before.
 */
@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<TaskRecord, UUID> {

    private static final String ONE = "SELECT " + TaskRows.COLUMNS + " FROM tasks WHERE id = $1 AND tenant_id = $2";
    private static final String SOME = "SELECT " + TaskRows.COLUMNS + " FROM tasks WHERE id = ANY($1::uuid[]) AND tenant_id = $2";

    private final Pool pool;

    public TaskRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<TaskRecord> findForTenant(UUID id, String tenantId) {
        return pool.preparedQuery(ONE).execute(Tuple.of(id, tenantId))
                .map(rows -> rows.size() == 0 ? null : TaskRows.from(rows.iterator().next()));
    }

    /** Those of the tasks that exist for the tenant, by id, in one statement; absent ids are missing. */
    public Uni<java.util.Map<UUID, TaskRecord>> findAllForTenant(List<UUID> ids, String tenantId) {
        return pool.preparedQuery(SOME).execute(Tuple.of(ids.toArray(UUID[]::new), tenantId))
                .map(rows -> {
                    java.util.Map<UUID, TaskRecord> found = new java.util.HashMap<>();
                    rows.forEach(row -> {
                        TaskRecord task = TaskRows.from(row);
                        found.put(task.id, task);
                    });
                    return found;
                });
    }

    /**
     * The same read inside the caller's Hibernate session and transaction: a caller that holds a
     * pooled connection must not wait for a second one, or enough such callers at once would hold
     * every connection while each waits for another.
     */
    public Uni<TaskRecord> findForTenantInSession(UUID id, String tenantId) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    /**
     * Newest first, starting after {@code cursor}. Reads one row more than asked so the caller
     * knows whether another page exists without a second query.
     */
    public Uni<List<TaskRecord>> page(TaskListQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(TaskRows.COLUMNS).append(" FROM tasks WHERE tenant_id = $1");
        Tuple parameters = Tuple.of(query.tenantId());
        if (query.status() != null) {
            parameters.addString(query.status().name());
            sql.append(" AND status = $").append(parameters.size());
        }
        if (query.type() != null) {
            parameters.addString(query.type());
            sql.append(" AND type = $").append(parameters.size());
        }
        if (query.after() != null) {
            parameters.addOffsetDateTime(TaskRows.utc(query.after().createdAt())).addUUID(query.after().id());
            sql.append(" AND (created_at, id) < ($").append(parameters.size() - 1).append(", $")
                    .append(parameters.size()).append(')');
        }
        parameters.addInteger(query.limit());
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT $").append(parameters.size());
        return pool.preparedQuery(sql.toString()).execute(parameters)
                .map(rows -> {
                    List<TaskRecord> page = new ArrayList<>(rows.size());
                    rows.forEach(row -> page.add(TaskRows.from(row)));
                    return page;
                });
    }
}
