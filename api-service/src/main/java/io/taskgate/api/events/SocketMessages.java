package io.taskgate.api.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/** Messages on {@code /ws/tasks} other than task events. */
final class SocketMessages {

    private SocketMessages() {
    }

    /**
     * What a client sends: {@code {"op":"subscribe"|"unsubscribe","taskIds":[...]}} to follow
     * tasks, and/or {@code "topics":["system"]} to follow fleet-level events.
     */
    record ClientFrame(String op, List<String> taskIds, List<String> topics) {
    }

    /** Sent when a frame cannot be acted on; the connection stays open. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorMessage(String type, String code, String message, UUID taskId) {

        static ErrorMessage of(String code, String message) {
            return new ErrorMessage("error", code, message, null);
        }

        static ErrorMessage forTask(UUID taskId, String code, String message) {
            return new ErrorMessage("error", code, message, taskId);
        }
    }
}
