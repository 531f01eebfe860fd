package io.taskgate.worker.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;

/**
 * Runs one type of task. Implement it as a CDI bean in the worker, or in your own jar listed in
 * {@code META-INF/services/io.taskgate.worker.handler.TaskHandler} (Java's ServiceLoader).
 *
 * <p>The returned Uni must not block a thread: do slow I/O with non-blocking clients, and wait
 * with {@link TaskContext#sleep}. Fail it with a {@link TaskFailure} to choose the error code and
 * whether a retry could help; any other failure counts as a retryable {@code HANDLER_ERROR}.
 * A task may run more than once (at-least-once delivery), so side effects should be idempotent.
 */
public interface TaskHandler {

    /** The task type this handler runs, as clients name it in {@code POST /api/v1/tasks}. */
    String type();

    /** Runs the task; the item becomes the task's {@code result}. */
    Uni<JsonNode> handle(JsonNode input, TaskContext context);

    /**
     * The shape of this type's input, as a JSON Schema (draft 2020-12). The worker announces it,
     * and the api refuses a submission whose input does not fit, with a 400 naming the field,
     * instead of accepting a task that can only fail. Empty: any JSON object is accepted, and
     * the handler alone judges it.
     */
    default java.util.Optional<JsonNode> inputSchema() {
        return java.util.Optional.empty();
    }
}
