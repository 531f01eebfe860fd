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
     * tasks, and/or {@code "topics":["system"]} to follow fleet-level events. A reconnecting
     * client adds {@code "resume":{"<taskId>":{"seq":7,"attempt":1,"outputIndex":41}}} for the
     * tasks it had followed, and is sent only what it has not seen.
     */
    record ClientFrame(String op, List<String> taskIds, List<String> topics, java.util.Map<String, SeenSoFar> resume) {
    }

    /**
     * What a client already has of one task: the last {@code seq} it received and, while the
     * task ran, the attempt and the last {@code outputIndex} of that attempt's output.
     */
    record SeenSoFar(Long seq, Integer attempt, Integer outputIndex) {

        /** Refuses what no server ever sent, naming the task. */
        String problem() {
            if (seq == null || seq < 0) {
                return "'seq' must be the last seq received (0 or more)";
            }
            if ((attempt == null) != (outputIndex == null)) {
                return "'attempt' and 'outputIndex' go together";
            }
            if (attempt != null && (attempt < 1 || outputIndex < 0)) {
                return "'attempt' is 1 or more and 'outputIndex' 0 or more";
            }
            return null;
        }
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
