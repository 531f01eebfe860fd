package io.taskgate.api.task;

import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /api/v1/tasks}: which handler runs the task, and its input. */
public record SubmitTaskRequest(String type, JsonNode input) {
}
