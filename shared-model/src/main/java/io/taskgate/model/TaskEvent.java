package io.taskgate.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * One change of one task, as published by a worker and pushed to WebSocket subscribers.
 *
 * <p>Status, progress and snapshot events carry the stored view right after the change, and
 * {@code seq} equals {@code task.seq()}: each raises it by one.
 *
 * <p>Output events carry a piece of partial output (LLM tokens, say) and its position
 * {@code outputIndex} (0, 1, 2, … within the current attempt, {@code task.attempts()}). They do
 * not change the stored row, so their {@code seq} is that of the last stored change; clients
 * order them by {@code outputIndex}. A new attempt starts its output again from index 0.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEvent(UUID taskId, TaskEventType type, long seq, TaskView task, String output, Integer outputIndex) {

    public static TaskEvent of(TaskEventType type, TaskView task) {
        return new TaskEvent(task.id(), type, task.seq(), task, null, null);
    }

    public static TaskEvent output(TaskView task, String output, int outputIndex) {
        return new TaskEvent(task.id(), TaskEventType.OUTPUT, task.seq(), task, output, outputIndex);
    }

    /** The attempt an output event belongs to. */
    @JsonIgnore
    public int attempt() {
        return task == null ? 0 : task.attempts();
    }
}
