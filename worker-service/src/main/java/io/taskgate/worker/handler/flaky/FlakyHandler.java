package io.taskgate.worker.handler.flaky;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.worker.handler.TaskContext;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code flaky}: fails its first {@code failAttempts} attempts, then succeeds. For seeing retries,
 * backoff and dead letters at work, in tests and demos.
 *
 * <p>Input: {@code {"failAttempts": 0..1000, "retryable": true, "code": "FLAKY", "delayMs": 0..60000}}.
 * A task with a large {@code failAttempts} never succeeds: it is a poison task.
 *
 * <p>A fault injector has no place in production, so a worker runs it only with
 * {@code taskgate.worker.flaky.enabled=true} (the local run and the tests set it).
 */
@ApplicationScoped
@LookupIfProperty(name = "taskgate.worker.flaky.enabled", stringValue = "true")
public class FlakyHandler implements TaskHandler {

    @Override
    public String type() {
        return "flaky";
    }

    @Override
    public java.util.Optional<JsonNode> inputSchema() {
        return java.util.Optional.of(io.taskgate.worker.handler.InputSchemas.load("flaky"));
    }

    @Override
    public Uni<JsonNode> handle(JsonNode input, TaskContext context) {
        int failAttempts = bounded(input, "failAttempts", 1000);
        int delayMs = bounded(input, "delayMs", 60_000);
        boolean retryable = input.path("retryable").asBoolean(true);
        String code = input.path("code").asText("FLAKY");
        return context.sleep(Duration.ofMillis(delayMs)).map(ignored -> {
            if (context.attempt() <= failAttempts) {
                String message = "failing attempt " + context.attempt() + " of the first " + failAttempts;
                throw new TaskFailure(new TaskError(code, message, retryable));
            }
            return JsonNodeFactory.instance.objectNode().put("succeededOnAttempt", context.attempt());
        });
    }

    private static int bounded(JsonNode input, String field, int max) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > max) {
            throw TaskFailure.invalidInput("'" + field + "' must be a whole number from 0 to " + max);
        }
        return value.asInt();
    }
}
