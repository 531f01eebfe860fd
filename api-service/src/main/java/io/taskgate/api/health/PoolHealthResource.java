package io.taskgate.api.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.health.PoolUsage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/pool}: the PostgreSQL and Redis connection pools of this api
 * instance, from the gauges Vert.x keeps for them: no connection is borrowed to answer, so a full
 * pool or a database that is down still gets a quick answer. Each worker's pools are in
 * {@code /api/v1/health/workers}.
 */
@Path("/api/v1/health/pool")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class PoolHealthResource {

    /** The answer: {@code warning} when any pool is over the threshold or has requests waiting. */
    public record PoolHealth(String status, String checkedAt, int warningAbovePercent, List<PoolUsage> pools) {
    }

    private final MeterRegistry meters;
    private final int warningPercent;

    public PoolHealthResource(MeterRegistry meters, ApiConfig config) {
        this.meters = meters;
        this.warningPercent = config.health().poolWarningPercent();
    }

    @GET
    @Operation(summary = "Size, use and waiting requests of this api instance's PostgreSQL and Redis pools")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public PoolHealth pools() {
        List<PoolUsage> pools = PoolUsage.read(meters, warningPercent);
        boolean warning = pools.stream().anyMatch(PoolUsage::warning);
        return new PoolHealth(warning ? "warning" : "healthy", Instant.now().toString(), warningPercent, pools);
    }
}
