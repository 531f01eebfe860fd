package io.taskgate.api.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.OperatorOnly;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.Problem;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.problem.RequestChecks;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskViews;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator endpoints for tasks that stopped moving: list them, then requeue or fail them. Across
 * all tenants, the operator's alone ({@link OperatorOnly}: the admin token, never a tenant's key).
 */
@Path("/api/v1/admin/stuck-tasks")
@Produces(MediaType.APPLICATION_JSON)
@OperatorOnly
@Tag(name = "admin")
@SecurityScheme(securitySchemeName = "adminToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "taskgate.api.admin.token")
@SecurityRequirement(name = "adminToken")
@APIResponse(responseCode = "401", description = "Missing or wrong admin token",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "No admin token is configured: the admin endpoints are off",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class StuckTaskResource {

    private final StuckTaskRepository stuck;
    private final StuckTaskRecoverer recoverer;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public StuckTaskResource(StuckTaskRepository stuck, StuckTaskRecoverer recoverer, ApiConfig config,
            ObjectMapper json) {
        this.stuck = stuck;
        this.recoverer = recoverer;
        this.config = config;
        this.json = json;
    }

    @GET
    @Operation(summary = "List stuck tasks", description = "Running tasks without a heartbeat for longer than "
            + "taskgate.api.admin.stuck-running-after, and due queued tasks waiting longer than "
            + "taskgate.api.admin.stuck-queued-after; longest stuck first.")
    @APIResponse(responseCode = "200", description = "The stuck tasks, up to the limit")
    @APIResponse(responseCode = "400", description = "A bad limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<StuckTaskReport> list(@Parameter(description = "Most tasks to list (default 100, at most 1000)")
            @QueryParam("limit") String limit) {
        int max = limit(limit);
        StuckCriteria criteria = StuckCriteria.at(now(), config.admin());
        return Panache.withSession(() -> stuck.findStuck(criteria, max))
                .map(rows -> new StuckTaskReport(rows.stream().map(task -> describe(task, criteria)).toList(),
                        criteria.now()));
    }

    @POST
    @Path("recover")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Requeue or fail stuck tasks", description = "Each task is re-checked under a row lock and "
            + "left alone if it is no longer stuck. 'requeue' puts it back on the stream (a running one becomes "
            + "QUEUED); 'fail' records FAILED with code STUCK where the task lifecycle allows that move (else the "
            + "task's result is ERROR). Without taskIds, every task stuck now, up to the limit; an empty list acts on none.")
    @APIResponse(responseCode = "200", description = "One result per task")
    @APIResponse(responseCode = "400", description = "A bad action, task id or limit, or too many ids",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RecoveryReport> recover(RecoveryRequest request,
            @Parameter(description = "Most stuck tasks to act on when taskIds is absent (default 100, at most 1000)")
            @QueryParam("limit") String limit) {
        if (request == null) {
            throw ProblemException.badRequest("missing-body", "a JSON body with 'action' is required");
        }
        RecoveryAction action = RecoveryAction.parse(request.action());
        if (request.taskIds() != null) {
            return recoverer.recover(action, parseIds(request.taskIds()));
        }
        int max = limit(limit);
        StuckCriteria criteria = StuckCriteria.at(now(), config.admin());
        return Panache.withSession(() -> stuck.findStuck(criteria, max))
                .map(rows -> rows.stream().map(task -> task.id).toList())
                .chain(ids -> recoverer.recover(action, ids));
    }

    private StuckTask describe(TaskRecord task, StuckCriteria criteria) {
        return new StuckTask(TaskViews.of(task, json), criteria.reasonFor(task).orElse(null), StuckCriteria.since(task));
    }

    /** Distinct ids in the order given; bounded like a listing so one call stays short. */
    private List<UUID> parseIds(List<String> taskIds) {
        int max = config.admin().maxLimit();
        if (taskIds.size() > max) {
            throw ProblemException.badRequest("too-many-task-ids", "at most " + max + " task ids per call");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (String id : taskIds) {
            ids.add(RequestChecks.taskId(id));
        }
        return new ArrayList<>(ids);
    }

    private int limit(String limit) {
        return RequestChecks.limit(limit, config.admin().defaultLimit(), config.admin().maxLimit());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
