package io.taskgate.api.task;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Reads and writes task rows for the api-service; every query is scoped to one tenant. */
@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<TaskRecord, UUID> {

    public Uni<TaskRecord> findForTenant(UUID id, String tenantId) {
        return find("id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId))
                .firstResult();
    }

    /**
     * Newest first, starting after {@code cursor}. Reads one row more than asked so the caller
     * knows whether another page exists without a second query.
     */
    public Uni<List<TaskRecord>> page(TaskListQuery query) {
        StringBuilder where = new StringBuilder("tenantId = :tenant");
        Parameters parameters = Parameters.with("tenant", query.tenantId());
        if (query.status() != null) {
            where.append(" and status = :status");
            parameters.and("status", query.status());
        }
        if (query.type() != null) {
            where.append(" and type = :type");
            parameters.and("type", query.type());
        }
        if (query.after() != null) {
            where.append(" and (createdAt, id) < (:afterCreatedAt, :afterId)");
            parameters.and("afterCreatedAt", query.after().createdAt()).and("afterId", query.after().id());
        }
        where.append(" order by createdAt desc, id desc");
        return find(where.toString(), parameters).range(0, query.limit()).list();
    }
}
