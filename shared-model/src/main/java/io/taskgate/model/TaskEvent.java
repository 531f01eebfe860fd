package io.taskgate.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * One change of one task, as published by a worker and pushed to WebSocket subscribers.
 * {@code seq} equals {@code task.seq()}: the view is the stored state right after the change.
 * {@code output} is set only on {@link TaskEventType#OUTPUT} events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEvent(UUID taskId, TaskEventType type, long seq, TaskView task, String output) {

    public static TaskEvent of(TaskEventType type, TaskView task) {
        return new TaskEvent(task.id(), type, task.seq(), task, null);
    }

    public static TaskEvent output(TaskView task, String output) {
        return new TaskEvent(task.id(), TaskEventType.OUTPUT, task.seq(), task, output);
    }
}
