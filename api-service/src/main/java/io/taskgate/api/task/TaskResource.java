package io.taskgate.api.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.Problem;
import io.taskgate.api.problem.ProblemException;
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
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
public class TaskResource {

    private final TaskSubmitter submitter;
    private final TaskRepository tasks;
    private final CurrentTenant tenant;
    private final ApiConfig config;
    private final ObjectMapper json;

    public TaskResource(TaskSubmitter submitter, TaskRepository tasks, CurrentTenant tenant, ApiConfig config,
            ObjectMapper json) {
        this.submitter = submitter;
        this.tasks = tasks;
        this.tenant = tenant;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a task", description = "Stores and queues the task, then answers at once.")
    @APIResponse(responseCode = "202", description = "Accepted; follow Location or subscribe over /ws/tasks")
    @APIResponse(responseCode = "400", description = "Malformed JSON, or a missing or unknown type",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The queue is unavailable; retry after Retry-After",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<TaskView>> submit(SubmitTaskRequest request) {
        return submitter.submit(tenant.id(), request)
                .map(view -> RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, view)
                        .header("Location", "/api/v1/tasks/" + view.id())
                        .build());
    }

    @GET
    @Path("{id}")
    @WithSession
    @Operation(summary = "Read a task", description = "The polling fallback for clients without a WebSocket.")
    @APIResponse(responseCode = "200", description = "The task as it is now")
    @APIResponse(responseCode = "404", description = "No such task",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TaskView> get(@PathParam("id") String id) {
        UUID taskId = parseId(id);
        return tasks.findForTenant(taskId, tenant.id())
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no task with id " + id))
                .map(task -> TaskViews.of(task, json));
    }

    @GET
    @WithSession
    @Operation(summary = "List tasks", description = "Newest first; pass nextCursor back as cursor for the next page.")
    @APIResponse(responseCode = "200", description = "One page of tasks")
    @APIResponse(responseCode = "400", description = "An unknown status, a bad limit or a foreign cursor",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TaskPage> list(@QueryParam("status") String status, @QueryParam("type") String type,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int pageSize = pageSize(limit);
        TaskListQuery query = new TaskListQuery(tenant.id(), parseStatus(status), blankToNull(type),
                cursor == null || cursor.isBlank() ? null : TaskCursor.decode(cursor), pageSize + 1);
        return tasks.page(query).map(rows -> toPage(rows, pageSize));
    }

    private TaskPage toPage(List<TaskRecord> rows, int pageSize) {
        boolean more = rows.size() > pageSize;
        List<TaskRecord> page = more ? rows.subList(0, pageSize) : rows;
        String next = more ? TaskCursor.after(page.get(page.size() - 1)).encode() : null;
        return new TaskPage(page.stream().map(task -> TaskViews.of(task, json)).toList(), next);
    }

    private int pageSize(String limit) {
        if (limit == null || limit.isBlank()) {
            return config.tasks().defaultPageSize();
        }
        int max = config.tasks().maxPageSize();
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same answer as an out-of-range number.
        }
        throw ProblemException.badRequest("invalid-limit", "limit must be a whole number from 1 to " + max);
    }

    private static TaskStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        return TaskStatus.parse(status).orElseThrow(() -> ProblemException.badRequest("invalid-status",
                "status must be one of " + List.of(TaskStatus.values())));
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-id", "task ids are UUIDs; '" + id + "' is not one");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
