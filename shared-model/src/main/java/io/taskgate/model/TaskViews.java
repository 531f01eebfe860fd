package io.taskgate.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns stored tasks into the view clients see. */
public final class TaskViews {

    private TaskViews() {
    }

    public static TaskView of(TaskRecord task, ObjectMapper json) {
        return new TaskView(
                task.id,
                task.tenantId,
                task.type,
                task.status,
                task.progress,
                parse(task.result, json),
                task.error(),
                task.attempts,
                task.eventSeq,
                task.createdAt,
                task.startedAt,
                task.finishedAt);
    }

    private static JsonNode parse(String text, ObjectMapper json) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            // PostgreSQL validated it as jsonb on the way in, so this means a broken invariant.
            throw new IllegalStateException("stored task result is not JSON", e);
        }
    }
}
