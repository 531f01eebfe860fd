package io.taskgate.worker.handler.echo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.handler.TaskContext;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code echo}: returns its message after {@code delayMs}, reporting {@code steps} progress
 * events spread evenly over that time. For tests, demos and benchmarks of the pipeline itself.
 */
@ApplicationScoped
public class EchoHandler implements TaskHandler {

    static final int MAX_DELAY_MS = 60_000;
    static final int MAX_STEPS = 100;

    @Override
    public String type() {
        return "echo";
    }

    @Override
    public java.util.Optional<JsonNode> inputSchema() {
        return java.util.Optional.of(io.taskgate.worker.handler.InputSchemas.load("echo"));
    }

    @Override
    public Uni<JsonNode> handle(JsonNode input, TaskContext context) {
        int delayMs = boundedInt(input, "delayMs", MAX_DELAY_MS);
        int steps = boundedInt(input, "steps", MAX_STEPS);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("message", input.path("message").isMissingNode() ? null : input.get("message"));

        Uni<Void> work = Uni.createFrom().voidItem();
        if (steps == 0) {
            work = context.sleep(Duration.ofMillis(delayMs));
        }
        for (int step = 1; step <= steps; step++) {
            Duration pause = Duration.ofMillis(stepEnd(delayMs, steps, step) - stepEnd(delayMs, steps, step - 1));
            double fraction = (double) step / steps;
            work = work.chain(() -> context.sleep(pause)).chain(() -> context.progress(fraction));
        }
        return work.replaceWith(result);
    }

    /** Where step {@code step} ends, in ms from the start; spreads the remainder of delay/steps evenly. */
    private static long stepEnd(int delayMs, int steps, int step) {
        return (long) delayMs * step / steps;
    }

    private static int boundedInt(JsonNode input, String field, int max) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > max) {
            throw TaskFailure.invalidInput("'" + field + "' must be a whole number from 0 to " + max);
        }
        return value.asInt();
    }
}
