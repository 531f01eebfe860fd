package io.taskgate.api.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/circuit-breakers}: every circuit breaker on every live worker, read
 * from the reports workers refresh in Redis every few seconds (a report expires when its worker
 * stops refreshing it, so dead workers drop out on their own). {@code status} is
 * {@code degraded} while any breaker is open.
 */
@Path("/api/v1/health/circuit-breakers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class CircuitBreakerHealthResource {

    /** Reports read at most; a fleet larger than this is summarised from the first ones. */
    private static final int MAX_WORKERS = 1000;

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public CircuitBreakerHealthResource(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    @GET
    @Operation(summary = "Circuit breakers of all live workers",
            description = "State, recent failure rate and last transition of every breaker; degraded while any is open.")
    @RequiresRole(Role.READ)
    public Uni<ObjectNode> breakers() {
        return reportKeys()
                .chain(keys -> keys.isEmpty() ? Uni.createFrom().item(List.<String>of())
                        : redis.value(String.class).mget(keys.toArray(String[]::new))
                                .map(values -> new ArrayList<>(values.values())))
                .map(this::summarise);
    }

    private Uni<List<String>> reportKeys() {
        return redis.key(String.class)
                .scan(new KeyScanArgs().match(RedisNames.BREAKER_REPORT_PREFIX + "*").count(500))
                .toMulti().select().first(MAX_WORKERS)
                .collect().asList();
    }

    private ObjectNode summarise(List<String> reports) {
        ObjectNode answer = json.createObjectNode();
        ArrayNode breakers = json.createArrayNode();
        int open = 0;
        for (String text : reports) {
            JsonNode report = parse(text);
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
