package io.taskgate.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The JSON bodies of one chat completion, streamed or not. Every chunk of a stream shares the id,
 * creation time and model, as OpenAI's do; clients use the id to stitch chunks together.
 */
final class ChatCompletionJson {

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;

    ChatCompletionJson(String model, boolean includeUsage) {
        this.id = newId();
        this.created = Instant.now().getEpochSecond();
        this.model = model;
        this.includeUsage = includeUsage;
    }

    String roleChunk() {
        ObjectNode delta = NODES.objectNode().put("role", "assistant").put("content", "");
        return chunk(delta, null).toString();
    }

    String contentChunk(String token) {
        return chunk(NODES.objectNode().put("content", token), null).toString();
    }

    String finishChunk(String finishReason) {
        return chunk(NODES.objectNode(), finishReason).toString();
    }

    /** The extra chunk asked for by {@code stream_options.include_usage}: no choices, only usage. */
    String usageChunk(SimulatedReply reply) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(reply));
        return chunk.toString();
    }

    String completion(SimulatedReply reply) {
        ObjectNode completion = envelope("chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", reply.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason());
        completion.set("usage", usage(reply));
        return completion.toString();
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            // OpenAI marks every ordinary chunk with "usage": null once usage was asked for.
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode envelope(String object) {
        ObjectNode json = NODES.objectNode();
        json.put("id", id);
        json.put("object", object);
        json.put("created", created);
        json.put("model", model);
        return json;
    }

    private static ObjectNode usage(SimulatedReply reply) {
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", reply.promptTokens());
        usage.put("completion_tokens", reply.completionTokens());
        usage.put("total_tokens", reply.promptTokens() + reply.completionTokens());
        return usage;
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder("chatcmpl-");
        for (int i = 0; i < 29; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
