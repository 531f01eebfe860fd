package io.taskgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A socket listener that hands on each whole event the api sends, parsed, with the instant its
 * last part arrived; text that is not JSON goes to {@code errors}. {@code java.net.http} may
 * deliver one message in several parts, so they are put together first.
 */
abstract class EventListener implements WebSocket.Listener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringBuilder partial = new StringBuilder();
    private final List<String> errors;

    EventListener(List<String> errors) {
        this.errors = errors;
    }

    private static final Set<String> FINAL_STATUSES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    /** Whether the event carries a task's final state (an output piece never does, whatever its view says). */
    static boolean reportsFinalState(JsonNode event) {
        return !"output".equals(event.path("type").asText())
                && FINAL_STATUSES.contains(event.path("task").path("status").asText());
    }

    /** One event, as text (to report) and parsed. */
    abstract void onEvent(String text, JsonNode event, Instant at);

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            Instant at = Instant.now();
            String text = partial.toString();
            partial.setLength(0);
            try {
                onEvent(text, JSON.readTree(text), at);
            } catch (Exception e) {
                errors.add("not JSON: " + text);
            }
        }
        webSocket.request(1);
        return null;
    }
}
