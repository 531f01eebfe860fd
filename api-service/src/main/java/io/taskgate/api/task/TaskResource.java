package io.taskgate.api.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.idempotency.IdempotencyKey;
import io.taskgate.api.problem.Problem;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.problem.RequestChecks;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "an API key (tgk_…), also accepted as the X-API-Key header")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "401", description = "Missing, malformed, unknown, revoked or expired API key",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The API key lacks the role this call needs",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "The key's or the tenant's rate budget is spent (rate-limited), "
        + "or, on submit, the tenant's quota of unfinished tasks is reached; retry after Retry-After",
        headers = {@Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)),
                @Header(name = "RateLimit", schema = @Schema(type = SchemaType.STRING)),
                @Header(name = "RateLimit-Policy", schema = @Schema(type = SchemaType.STRING))},
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class TaskResource {

    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final TaskSubmitter submitter;
    private final TaskCanceller canceller;
    private final TaskRepository tasks;
    private final RecentViews recent;
    private final CurrentTenant tenant;
    private final ApiConfig config;
    private final ObjectMapper json;

    public TaskResource(TaskSubmitter submitter, TaskCanceller canceller, TaskRepository tasks, RecentViews recent,
            CurrentTenant tenant, ApiConfig config, ObjectMapper json) {
        this.submitter = submitter;
        this.canceller = canceller;
        this.tasks = tasks;
        this.recent = recent;
        this.tenant = tenant;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a task", description = "Stores and queues the task, then answers at once. With an "
            + "Idempotency-Key, repeating the same request within the key's window answers with the task it first "
            + "created instead of creating another.")
    @APIResponse(responseCode = "202", description = "Accepted; follow Location or subscribe over /ws/tasks",
            headers = @Header(name = REPLAYED_HEADER, description = "'true' when the task was created earlier under "
                    + "the same Idempotency-Key", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "Malformed or too deeply nested JSON, a missing or unknown "
            + "type, an input that does not fit the type's schema, or a blank or over-long Idempotency-Key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Another request with this Idempotency-Key is in flux; retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was already used for a different request",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than the api accepts",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The store or the queue is unavailable, or the backlog is past "
            + "its ceiling (backlog-full); nothing was accepted, retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = "A client-chosen name "
            + "(1-255 characters) for this one intended task, so that retrying the request cannot create it twice",
            schema = @Schema(type = SchemaType.STRING, maxLength = 255))
    @RequiresRole(Role.SUBMIT)
    public Uni<RestResponse<TaskView>> submit(@Context HttpHeaders headers, SubmitTaskRequest request) {
        // Read from the raw headers so that a key sent empty is refused rather than taken as no key.
        var key = IdempotencyKey.fromHeader(headers.getRequestHeader(IdempotencyKey.HEADER));
        return submitter.submit(tenant.id(), request, key)
                .map(submission -> {
                    var answer = RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, submission.task())
                            .header("Location", location(submission.task()));
                    if (submission.replayed()) {
                        answer.header(REPLAYED_HEADER, "true");
                    }
                    return answer.build();
                });
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a task", description = "A queued task is cancelled at once (200). For a running "
            + "task the cancellation is recorded and its worker is told to stop it (202); the task becomes CANCELLED "
            + "when the worker has stopped it. Asking again for a running task is harmless.")
    @APIResponse(responseCode = "200", description = "Cancelled; the task as it is now")
    @APIResponse(responseCode = "202", description = "Running: cancellation asked for; follow Location or the socket")
    @APIResponse(responseCode = "400", description = "The id is not a UUID",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The task has already finished",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RequiresRole(Role.SUBMIT)
    public Uni<RestResponse<TaskView>> cancel(@PathParam("id") String id) {
        UUID taskId = parseId(id);
        return canceller.cancel(tenant.id(), taskId)
                .map(cancellation -> cancellation.cancelled()
                        ? RestResponse.ok(cancellation.task())
                        : RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, cancellation.task())
                                .header("Location", location(cancellation.task()))
                                .build());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Read a task", description = "The polling fallback for clients without a WebSocket. A "
            + "repeated poll may be answered from the view this instance last read or was told of, normally as "
            + "fresh as the task's last announced change and never more than taskgate.api.tasks.view-cache."
            + "fresh-for (1 s) behind.")
    @APIResponse(responseCode = "200", description = "The task as it is now")
    @APIResponse(responseCode = "404", description = "No such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RequiresRole(Role.READ)
    public Uni<TaskView> get(@PathParam("id") String id) {
        UUID taskId = parseId(id);
        String tenantId = tenant.id();
        Optional<TaskView> held = recent.find(taskId, tenantId);
        if (held.isPresent()) {
            return Uni.createFrom().item(held.get());
        }
        return tasks.findForTenant(taskId, tenantId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no task with id " + id))
                .map(task -> TaskViews.of(task, json))
                .invoke(recent::read);
    }

    @GET
    @Operation(summary = "List tasks", description = "Newest first; pass nextCursor back as cursor for the next page.")
    @APIResponse(responseCode = "200", description = "One page of tasks")
    @APIResponse(responseCode = "400", description = "An unknown status, a bad limit or a foreign cursor",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RequiresRole(Role.READ)
    public Uni<TaskPage> list(@QueryParam("status") String status, @QueryParam("type") String type,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        RequestChecks.singleValued(uri.getQueryParameters(), "status", "type", "limit", "cursor");
        if (uri.getQueryParameters().containsKey("status") && status == null) {
            status = "";
        }
        if (uri.getQueryParameters().containsKey("limit") && limit == null) {
            limit = "";
        }
        if (uri.getQueryParameters().containsKey("type") && (type == null || type.isBlank())) {
            throw ProblemException.badRequest("invalid-type", "type must name a task type; leave it out for any type");
        }
        int pageSize = pageSize(limit);
        TaskListQuery query = new TaskListQuery(tenant.id(), parseStatus(status), blankToNull(type),
                cursor == null || cursor.isBlank() ? null : TaskCursor.decode(cursor), pageSize + 1);
        return tasks.page(query).map(rows -> toPage(rows, pageSize));
    }

    private static String location(TaskView task) {
        return "/api/v1/tasks/" + task.id();
    }

    private TaskPage toPage(List<TaskRecord> rows, int pageSize) {
        boolean more = rows.size() > pageSize;
        List<TaskRecord> page = more ? rows.subList(0, pageSize) : rows;
        String next = more ? TaskCursor.after(page.get(page.size() - 1)).encode() : null;
        return new TaskPage(page.stream().map(task -> TaskViews.of(task, json)).toList(), next);
    }

    private int pageSize(String limit) {
        return RequestChecks.limit(limit, config.tasks().defaultPageSize(), config.tasks().maxPageSize());
    }

    /** Absent means any status; present, it must name one (an empty {@code ?status=} is a mistake, not "any"). */
    private static TaskStatus parseStatus(String status) {
        if (status == null) {
            return null;
        }
        return TaskStatus.parse(status).orElseThrow(() -> ProblemException.badRequest("invalid-status",
                "status must be one of " + List.of(TaskStatus.values())));
    }

    private static UUID parseId(String id) {
        return RequestChecks.taskId(id);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
