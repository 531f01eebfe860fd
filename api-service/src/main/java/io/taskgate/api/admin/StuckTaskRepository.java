package io.taskgate.api.admin;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finds stuck tasks across all tenants: the admin endpoints are for the operator of the whole
 * service. Each reason is its own query, oldest first, so each can use its partial index
 * ({@code tasks_running_by_heartbeat}, {@code tasks_queued_by_age}) and stop at the limit.
 */
@ApplicationScoped
public class StuckTaskRepository implements PanacheRepositoryBase<TaskRecord, UUID> {

    /** At most {@code limit} stuck tasks, the longest stuck first. Runs in the caller's session. */
    public Uni<List<TaskRecord>> findStuck(StuckCriteria criteria, int limit) {
        return runningWithoutHeartbeat(criteria, limit)
                .chain(running -> queuedTooLong(criteria, limit)
                        .map(queued -> Stream.concat(running.stream(), queued.stream())
                                .sorted(Comparator.comparing(StuckCriteria::since).thenComparing(task -> task.id))
                                .limit(limit)
                                .toList()));
    }

    private Uni<List<TaskRecord>> runningWithoutHeartbeat(StuckCriteria criteria, int limit) {
        return find("status = :running and coalesce(heartbeatAt, startedAt) < :before"
                        + " order by coalesce(heartbeatAt, startedAt), id",
                Parameters.with("running", TaskStatus.RUNNING).and("before", criteria.runningBefore()))
                .range(0, limit - 1).list();
    }

    private Uni<List<TaskRecord>> queuedTooLong(StuckCriteria criteria, int limit) {
        return find("status = :queued and coalesce(enqueuedAt, createdAt) < :before"
                        + " and (nextAttemptAt is null or nextAttemptAt <= :now)"
                        + " order by coalesce(enqueuedAt, createdAt), id",
                Parameters.with("queued", TaskStatus.QUEUED).and("before", criteria.queuedBefore())
                        .and("now", criteria.now()))
                .range(0, limit - 1).list();
    }
}
