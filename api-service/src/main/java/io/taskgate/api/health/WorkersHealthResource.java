package io.taskgate.api.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.health.WorkerRoster.Member;
import io.taskgate.api.health.WorkerRoster.Roster;
import io.taskgate.model.RedisNames;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/workers}: every worker instance from the reports they refresh in one
 * Redis hash. A worker that stopped reporting shows as {@code gone} once its report is older than
 * the time it gave itself, and is dropped some minutes later; a worker that stopped in order
 * removed its report and is not listed. {@code status} is {@code down} with no live worker,
 * {@code degraded} while any is gone.
 */
@Path("/api/v1/health/workers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class WorkersHealthResource {

    /** The answer. */
    public record WorkersHealth(String status, String checkedAt, long alive, long gone, List<Member> workers) {
    }

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final HealthReads reads;
    private final Duration forgetAfter;

    public WorkersHealthResource(ReactiveRedisDataSource redis, ObjectMapper json, HealthReads reads, ApiConfig config) {
        this.redis = redis;
        this.json = json;
        this.reads = reads;
        this.forgetAfter = config.health().forgetGoneWorkersAfter();
    }

    @GET
    @Operation(summary = "Every worker instance: identity, load, handler types, resources and pools; gone ones marked",
            description = "A worker is gone once its last report is older than its own gone-after (three report"
                    + " intervals); it is dropped from the list after taskgate.api.health.forget-gone-workers-after.")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public Uni<WorkersHealth> workers() {
        Instant now = Instant.now();
        return reads.fromRedis(redis.hash(String.class).hgetall(RedisNames.WORKER_REPORTS))
                .map(reports -> WorkerRoster.of(reports, now, forgetAfter, json))
                .call(this::forget)
                .map(roster -> answer(roster, now));
    }

    /** Removing old reports is housekeeping: the answer does not wait on its success. */
    private Uni<Void> forget(Roster roster) {
        if (roster.forgotten().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return reads.fromRedis(redis.hash(String.class).hdel(RedisNames.WORKER_REPORTS,
                        roster.forgotten().toArray(String[]::new)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static WorkersHealth answer(Roster roster, Instant now) {
        long alive = roster.count(WorkerRoster.ALIVE);
        long gone = roster.count(WorkerRoster.GONE);
        String status = alive == 0 ? "down" : gone > 0 ? "degraded" : "healthy";
        return new WorkersHealth(status, now.toString(), alive, gone, roster.members());
    }
}
