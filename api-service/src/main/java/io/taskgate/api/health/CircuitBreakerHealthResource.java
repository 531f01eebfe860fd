package io.taskgate.api.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.model.RedisNames;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/circuit-breakers}: every circuit breaker on every live worker, read
 * from the reports workers refresh in one Redis hash every few seconds. A report older than its
 * lifetime belongs to a worker that stopped refreshing it: it is left out and removed, so dead
 * workers drop out on their own. {@code status} is
 * {@code degraded} while any breaker is open.
 */
@Path("/api/v1/health/circuit-breakers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class CircuitBreakerHealthResource {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final HealthReads reads;

    public CircuitBreakerHealthResource(ReactiveRedisDataSource redis, ObjectMapper json, HealthReads reads) {
        this.redis = redis;
        this.json = json;
        this.reads = reads;
    }

    @GET
    @Operation(summary = "Circuit breakers of all live workers",
            description = "State, recent failure rate and last transition of every breaker; degraded while any is open.")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public Uni<ObjectNode> breakers() {
        return reads.fromRedis(redis.hash(String.class).hgetall(RedisNames.BREAKER_REPORTS)).chain(this::currentOnly)
                .map(this::summarise);
    }

    /** The reports still standing; stale ones are removed on the way, without waiting for that. */
    private Uni<List<JsonNode>> currentOnly(Map<String, String> byWorker) {
        Instant oldest = Instant.now().minus(RedisNames.BREAKER_REPORT_LIFETIME);
        List<JsonNode> current = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        byWorker.forEach((worker, text) -> {
            JsonNode report = parse(text);
            if (reportedAt(report).isAfter(oldest)) {
                current.add(report);
            } else {
                stale.add(worker);
            }
        });
        Uni<List<JsonNode>> answer = Uni.createFrom().item(current);
        return stale.isEmpty() ? answer : redis.hash(String.class).hdel(RedisNames.BREAKER_REPORTS, stale.toArray(String[]::new))
                .onFailure().recoverWithItem(0)
                .chain(removed -> answer);
    }

    private static Instant reportedAt(JsonNode report) {
        try {
            return Instant.parse(report.path("reportedAt").asText());
        } catch (RuntimeException unreadable) {
            return Instant.EPOCH;
        }
    }

    private ObjectNode summarise(List<JsonNode> reports) {
        ObjectNode answer = json.createObjectNode();
        ArrayNode breakers = json.createArrayNode();
        int open = 0;
        for (JsonNode report : reports) {
            for (JsonNode breaker : report.path("breakers")) {
                ObjectNode entry = breaker.deepCopy();
                entry.put("worker", report.path("worker").asText());
                entry.put("reportedAt", report.path("reportedAt").asText());
                breakers.add(entry);
                if ("OPEN".equals(breaker.path("state").asText())) {
                    open++;
                }
            }
        }
        answer.put("status", open == 0 ? "healthy" : "degraded");
        answer.put("openCount", open);
        answer.put("workers", reports.size());
        answer.put("checkedAt", Instant.now().toString());
        answer.set("breakers", breakers);
        return answer;
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.missingNode() : json.readTree(text);
        } catch (Exception e) {
            return json.missingNode();
        }
    }
}
