package io.taskgate.api.health;

import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.model.health.ProcessResources;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/resources}: what this api instance uses of its machine. Read from the
 * JVM and /proc at the moment of the call, so it answers whatever PostgreSQL and Redis do.
 * Each worker's figures are in {@code /api/v1/health/workers}.
 */
@Path("/api/v1/health/resources")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class ResourcesHealthResource {

    /** The answer: {@code warning} when any figure is near its limit, each named in the resources' warnings. */
    public record ResourcesHealth(String status, String checkedAt, ProcessResources resources) {
    }

    @GET
    @Operation(summary = "Heap, resident memory, CPU, threads, file descriptors and uptime of this api instance")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public ResourcesHealth resources() {
        ProcessResources resources = ProcessResources.read();
        return new ResourcesHealth(resources.warnings().isEmpty() ? "healthy" : "warning", Instant.now().toString(),
                resources);
    }
}
