package io.taskgate.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The parts of an OpenAI chat completion request that shape the simulated answer, checked the way
 * the real API checks them so that a client's 400 handling is exercised.
 *
 * @param model        the requested model, or the configured one when the request names none
 * @param stream       whether to answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}: add a usage chunk before {@code [DONE]}
 * @param maxTokens    the completion token limit, or {@code null} for none
 * @param promptTokens a rough prompt size (words in the message texts) for the usage figures
 */
record ChatCompletionRequest(String model, boolean stream, boolean includeUsage, Integer maxTokens, int promptTokens) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request the real API would refuse with 400; {@code param} names the offending field. */
    static final class InvalidRequestException extends Exception {
        private final String param;

        InvalidRequestException(String message, String param) {
            super(message, null, false, false);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    static ChatCompletionRequest parse(byte[] body, String defaultModel) throws InvalidRequestException {
        JsonNode json = readObject(body);
        JsonNode messages = json.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("'messages' must be a non-empty array", "messages");
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw new InvalidRequestException("each message must be an object with a string 'role'", "messages");
            }
        }
        String model = optionalText(json, "model", defaultModel);
        boolean stream = optionalBoolean(json, "stream");
        checkTemperature(json);
        return new ChatCompletionRequest(model, stream, includeUsage(json, stream), maxTokens(json),
                countPromptWords(messages));
    }

    private static JsonNode readObject(byte[] body) throws InvalidRequestException {
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException malformed) {
            // Answered below like any other unreadable body.
        }
        throw new InvalidRequestException("We could not parse the JSON body of your request.", null);
    }

    private static String optionalText(JsonNode json, String field, String fallback) throws InvalidRequestException {
        JsonNode value = json.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("'" + field + "' must be a non-empty string", field);
        }
        return value.asText();
    }

    private static boolean optionalBoolean(JsonNode json, String field) throws InvalidRequestException {
        JsonNode value = json.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException("'" + field + "' must be a boolean", field);
        }
        return value.booleanValue();
    }

    private static void checkTemperature(JsonNode json) throws InvalidRequestException {
        JsonNode value = json.path("temperature");
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.doubleValue() < 0 || value.doubleValue() > 2) {
            throw new InvalidRequestException("'temperature' must be a number between 0 and 2", "temperature");
        }
    }

    private static boolean includeUsage(JsonNode json, boolean stream) throws InvalidRequestException {
        JsonNode options = json.path("stream_options");
        if (options.isMissingNode() || options.isNull()) {
            return false;
        }
        if (!stream) {
            throw new InvalidRequestException(
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
        }
        if (!options.isObject()) {
            throw new InvalidRequestException("'stream_options' must be an object", "stream_options");
        }
        return optionalBoolean(options, "include_usage");
    }

    /** {@code max_completion_tokens} is the newer name of {@code max_tokens}; either is accepted. */
    private static Integer maxTokens(JsonNode json) throws InvalidRequestException {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = json.path(field);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
                throw new InvalidRequestException("'" + field + "' must be a positive integer", field);
            }
            return value.intValue();
        }
        return null;
    }

    private static int countPromptWords(JsonNode messages) {
        int words = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                words += countWords(content.asText());
            } else if (content.isArray()) {
                // Multi-part content: only the text parts count.
                for (JsonNode part : content) {
                    words += countWords(part.path("text").asText(""));
                }
            }
        }
        return Math.max(1, words);
    }

    private static int countWords(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
