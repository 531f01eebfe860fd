package io.taskgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows tasks over a few WebSockets of {@code /ws/tasks}, as a browser dashboard does, and
 * notes when each task's final state arrives: as a pushed {@code status} event (the push path
 * measured), or already in the snapshot when the task finished before it was subscribed. Like
 * a dashboard following many tasks, it gathers the ids to subscribe and unsubscribe for a few
 * milliseconds and sends them in frames of up to 100.
 */
final class FinalEventWatcher implements AutoCloseable {

    /** When a task's final state reached this client, and whether it came pushed or in the snapshot. */
    record Arrival(Instant at, String status, boolean pushed) {
    }

    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService flusher =
            Executors.newSingleThreadScheduledExecutor();

    FinalEventWatcher(String apiBaseUrl, String apiKey, int connectionCount) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(apiBaseUrl.replaceFirst("^http", "ws") + "/ws/tasks");
        for (int i = 0; i < connectionCount; i++) {
            Connection connection = new Connection();
            connection.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + apiKey)
                    .connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, connection).get(10, TimeUnit.SECONDS);
            connections.add(connection);
        }
        flusher.scheduleWithFixedDelay(() -> connections.forEach(Connection::flush), 5, 5, TimeUnit.MILLISECONDS);
    }

    /** Starts following the task on the next connection in turn. */
    void follow(String taskId) {
        connections.get(Math.floorMod(next.getAndIncrement(), connections.size())).toSubscribe.add(taskId);
    }

    Arrival arrival(String taskId) {
        return arrivals.get(taskId);
    }

    int arrived() {
        return arrivals.size();
    }

    /** Error frames the api answered with; a clean run has none. */
    List<String> errors() {
        return errors;
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        for (Connection connection : connections) {
            connection.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    private final class Connection extends EventListener {

        private final Queue<String> toSubscribe = new ConcurrentLinkedQueue<>();
        private final Queue<String> toUnsubscribe = new ConcurrentLinkedQueue<>();
        private WebSocket socket;

        Connection() {
            super(errors);
        }
        // java.net.http allows one outstanding send per socket: each waits for the previous one.
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

        void flush() {
            flush("subscribe", toSubscribe);
            flush("unsubscribe", toUnsubscribe);
        }

        private void flush(String op, Queue<String> ids) {
            while (!ids.isEmpty()) {
                List<String> frameIds = new ArrayList<>();
                for (String id = ids.poll(); id != null; id = frameIds.size() < 100 ? ids.poll() : null) {
                    frameIds.add("\"" + id + "\"");
                }
                send("{\"op\":\"" + op + "\",\"taskIds\":[" + String.join(",", frameIds) + "]}");
            }
        }

        synchronized void send(String frame) {
            lastSend = lastSend.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> socket.sendText(frame, true));
        }

        @Override
        void onEvent(String text, JsonNode event, Instant at) {
            String status = event.path("task").path("status").asText();
            String type = event.path("type").asText();
            if ("error".equals(type)) {
                errors.add(text);
                return;
            }
            if (reportsFinalState(event)) {
                String taskId = event.path("taskId").asText();
                if (arrivals.putIfAbsent(taskId, new Arrival(at, status, !"snapshot".equals(type))) == null) {
                    toUnsubscribe.add(taskId);
                }
            }
        }
    }
}
