package io.taskgate.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * How the simulator behaves: latency, reply length and how often it fails. Immutable; the
 * simulator swaps in a new value when {@code PUT /_sim/config} merges a change, so a response in
 * flight keeps the settings it started with.
 *
 * @param model             the model name listed by {@code /v1/models} and used when a request names none
 * @param firstTokenMs      delay before the first token (time to first token)
 * @param tokensPerSecond   pace of the following tokens
 * @param replyTokens       tokens in a full reply, before {@code max_tokens} cuts it
 * @param errorRate         share of requests answered 500
 * @param rateLimitRate     share of requests answered 429
 * @param retryAfterSeconds value of the {@code Retry-After} header on a 429
 * @param hangRate          share of requests accepted and never answered
 * @param badRequestRate    share of valid requests answered 400 anyway
 * @param keepAliveMs       interval of SSE comment lines while a stream waits for its first token
 * @param lineEnding        {@code "\n"} or {@code "\r\n"} after each SSE line
 * @param requireApiKey     the bearer token clients must send; {@code null} accepts any request
 * @param seed              seed of the random draws behind the rates
 */
public record SimulatorConfig(
        String model,
        long firstTokenMs,
        double tokensPerSecond,
        int replyTokens,
        double errorRate,
        double rateLimitRate,
        int retryAfterSeconds,
        double hangRate,
        double badRequestRate,
        long keepAliveMs,
        String lineEnding,
        String requireApiKey,
        long seed) {

    // Strict on purpose: a misspelt knob or a null number in a PUT must be a 400, not a silent
    // default that makes a test pass for the wrong reason.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The one setting whose null has a meaning (no key check). */
    private static final String NULLABLE = "requireApiKey";

    public SimulatorConfig {
        require(model != null && !model.isBlank(), "model must not be blank");
        require(firstTokenMs >= 0, "firstTokenMs must be >= 0");
        require(tokensPerSecond > 0 && Double.isFinite(tokensPerSecond), "tokensPerSecond must be > 0");
        require(replyTokens >= 1, "replyTokens must be >= 1");
        requireRate(errorRate, "errorRate");
        requireRate(rateLimitRate, "rateLimitRate");
        requireRate(hangRate, "hangRate");
        requireRate(badRequestRate, "badRequestRate");
        require(retryAfterSeconds >= 0, "retryAfterSeconds must be >= 0");
        require(keepAliveMs >= 1, "keepAliveMs must be >= 1");
        require("\n".equals(lineEnding) || "\r\n".equals(lineEnding), "lineEnding must be \"\\n\" or \"\\r\\n\"");
    }

    /** The settings the local run starts with: a quick, well-behaved model. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig("taskgate-sim-1", 200, 50, 20, 0, 0, 2, 0, 0, 15_000, "\n", null, 42);
    }

    /**
     * Applies a partial JSON object: fields present replace the current ones (an explicit null
     * clears {@code requireApiKey}), fields absent stay as they are.
     *
     * @throws IllegalArgumentException for unknown fields, wrong types or values out of range
     */
    public SimulatorConfig merge(JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("the config patch must be a JSON object");
        }
        ObjectNode merged = MAPPER.valueToTree(this);
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            require(merged.has(field.getKey()), "unknown config field '" + field.getKey() + "'");
            require(!field.getValue().isNull() || NULLABLE.equals(field.getKey()),
                    "'" + field.getKey() + "' must not be null");
        }
        merged.setAll((ObjectNode) patch);
        try {
            return MAPPER.treeToValue(merged, SimulatorConfig.class);
        } catch (JsonProcessingException e) {
            // The record's own range checks arrive wrapped; surface their message, not Jackson's.
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException(messageOf(cause), e);
        }
    }

    public JsonNode toJson() {
        return MAPPER.valueToTree(this);
    }

    /** {@link #merge(JsonNode)} from JSON text, for code that configures the simulator in-process. */
    public SimulatorConfig merge(String jsonPatch) {
        try {
            return merge(MAPPER.readTree(jsonPatch));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the config patch is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Delay between two tokens; fractional so that paces above 1,000 tokens/s stay exact. */
    double tokenIntervalMs() {
        return 1000.0 / tokensPerSecond;
    }

    private static String messageOf(Throwable error) {
        return error instanceof JsonProcessingException json ? json.getOriginalMessage() : error.getMessage();
    }

    private static void requireRate(double rate, String name) {
        require(rate >= 0 && rate <= 1, name + " must be between 0 and 1");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
