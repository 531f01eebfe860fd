package io.taskgate.worker.handler.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskgate.worker.handler.TaskFailure;

/** Builds the provider's request body from a task's input, refusing input that cannot work. */
final class ChatRequest {

    private ChatRequest() {
    }

    static ObjectNode from(JsonNode input, LlmConfig config, ObjectMapper json) {
        JsonNode messages = input.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw TaskFailure.invalidInput("'messages' must be a non-empty list of {role, content}");
        }
        for (JsonNode message : messages) {
            if (!message.path("role").isTextual() || message.path("content").isMissingNode()) {
                throw TaskFailure.invalidInput("every message needs a 'role' and a 'content'");
            }
        }
        ObjectNode body = json.createObjectNode();
        body.put("model", text(input, "model", config.model()));
        body.set("messages", messages);
        body.put("stream", true);
        body.put("max_tokens", maxTokens(input, config.maxTokens()));
        JsonNode temperature = input.get("temperature");
        if (temperature != null && !temperature.isNull()) {
            if (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2) {
                throw TaskFailure.invalidInput("'temperature' must be a number from 0 to 2");
            }
            body.put("temperature", temperature.asDouble());
        }
        body.putObject("stream_options").put("include_usage", true);
        return body;
    }

    private static int maxTokens(JsonNode input, int limit) {
        JsonNode value = input.get("maxTokens");
        if (value == null || value.isNull()) {
            return limit;
        }
        if (!value.isIntegralNumber() || value.asInt() < 1 || value.asInt() > limit) {
            throw TaskFailure.invalidInput("'maxTokens' must be a whole number from 1 to " + limit);
        }
        return value.asInt();
    }

    private static String text(JsonNode input, String field, String fallback) {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw TaskFailure.invalidInput("'" + field + "' must be a non-empty string");
        }
        return value.asText();
    }
}
