package io.taskgate.worker.handler.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A finished completion: the whole text, why it stopped, and what it cost in tokens. */
record ChatResult(String model, String text, String finishReason, JsonNode usage) {

    /** Tokens the provider says the call used; 0 when it did not say. */
    int totalTokens() {
        return usage == null ? 0 : usage.path("total_tokens").asInt(0);
    }

    JsonNode toJson(ObjectMapper json) {
        ObjectNode result = json.createObjectNode();
        result.put("text", text);
        result.put("finishReason", finishReason);
        result.put("model", model);
        if (usage != null) {
            ObjectNode tokens = result.putObject("usage");
            tokens.set("promptTokens", usage.get("prompt_tokens"));
            tokens.set("completionTokens", usage.get("completion_tokens"));
            tokens.set("totalTokens", usage.get("total_tokens"));
        } else {
            result.putNull("usage");
        }
        return result;
    }

    /** Collects the parts of a stream as they come; one per call, never shared. */
    static final class Builder {
        private final String model;
        private final StringBuilder text = new StringBuilder();
        private String finishReason;
        private JsonNode usage;

        Builder(String model) {
            this.model = model;
        }

        void add(ChatStreamPart part) {
            if (part.content() != null) {
                text.append(part.content());
            }
            if (part.finishReason() != null) {
                finishReason = part.finishReason();
            }
            if (part.usage() != null) {
                usage = part.usage();
            }
        }

        ChatResult build() {
            return new ChatResult(model, text.toString(), finishReason, usage);
        }
    }
}
