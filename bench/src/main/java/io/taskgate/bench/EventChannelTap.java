package io.taskgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.local.RedisCommands;
import io.taskgate.model.RedisNames;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Listens on the Redis channel the workers publish task events to, as an api instance does, and
 * notes when each task's final state was published. Set against when the worker stored it and
 * when a WebSocket client received it, that splits the push latency into the worker's part
 * (stored → published) and the api's part (published → on the client).
 */
final class EventChannelTap implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Instant> finalPublishedAt = new ConcurrentHashMap<>();
    private final AutoCloseable subscription;

    EventChannelTap(RedisCommands redis) throws IOException {
        this.subscription = redis.subscribe(RedisNames.EVENT_CHANNEL, this::onMessage);
    }

    /** When the task's final state was seen on the channel; null if it was not (yet). */
    Instant finalPublishedAt(String taskId) {
        return finalPublishedAt.get(taskId);
    }

    private void onMessage(String message) {
        Instant at = Instant.now();
        try {
            JsonNode event = JSON.readTree(message);
            if (EventListener.reportsFinalState(event)) {
                finalPublishedAt.putIfAbsent(event.path("taskId").asText(), at);
            }
        } catch (IOException e) {
            // Not an event this tap reads; the api would skip it too.
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
    }
}
