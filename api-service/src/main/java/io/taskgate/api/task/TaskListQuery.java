package io.taskgate.api.task;

import io.taskgate.model.TaskStatus;

/** What a task listing asks for; {@code limit} already includes the one look-ahead row. */
public record TaskListQuery(String tenantId, TaskStatus status, String type, TaskCursor after, int limit) {
}
