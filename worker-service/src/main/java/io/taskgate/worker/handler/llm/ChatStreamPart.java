package io.taskgate.worker.handler.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * What one streamed chunk of a chat completion says: some content, the reason the completion
 * finished, the token usage, or an error reported in the middle of the stream.
 */
record ChatStreamPart(String content, String finishReason, JsonNode usage, JsonNode error) {

    static final String DONE = "[DONE]";

    /**
     * Reads one event's data. A chunk may carry several of these at once (its last content and
     * its finish reason, say); a role-only or empty delta carries none.
     */
    static List<ChatStreamPart> read(String data, ObjectMapper json) {
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (Exception e) {
            throw new UpstreamProtocolException("a stream chunk is not JSON");
        }
        List<ChatStreamPart> parts = new ArrayList<>(1);
        if (chunk.hasNonNull("error")) {
            parts.add(new ChatStreamPart(null, null, null, chunk.get("error")));
            return parts;
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode content = choice.path("delta").path("content");
            if (content.isTextual() && !content.asText().isEmpty()) {
                parts.add(new ChatStreamPart(content.asText(), null, null, null));
            }
            JsonNode finish = choice.path("finish_reason");
            if (finish.isTextual()) {
                parts.add(new ChatStreamPart(null, finish.asText(), null, null));
            }
        }
        if (chunk.hasNonNull("usage")) {
            parts.add(new ChatStreamPart(null, null, chunk.get("usage"), null));
        }
        return parts;
    }
}
