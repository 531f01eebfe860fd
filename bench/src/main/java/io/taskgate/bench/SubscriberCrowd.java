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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A crowd of browsers, one WebSocket per task, each subscribing to its own task as soon as it is
 * open and noting its task's snapshot and final state as they arrive. Anything else that comes
 * (an error frame, an event for another task, a second snapshot, a socket closed by the server)
 * is kept to be reported.
 */
final class SubscriberCrowd implements AutoCloseable {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;
    private final List<String> keys;
    private final List<String> taskIds;
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> finalArrivals = new ConcurrentHashMap<>();
    private final Set<String> snapshotsReceived = ConcurrentHashMap.newKeySet();
    private final AtomicInteger repeats = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    SubscriberCrowd(String baseUrl, List<String> keys, List<String> taskIds) {
        this.uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/ws/tasks");
        this.keys = keys;
        this.taskIds = taskIds;
    }

    /** Opens the sockets, a hundred handshakes in flight at most, as a crowd of browsers would. */
    void open() throws Exception {
        Semaphore handshakes = new Semaphore(100);
        List<CompletableFuture<?>> opened = new ArrayList<>();
        for (int i = 0; i < taskIds.size(); i++) {
            handshakes.acquire();
            String taskId = taskIds.get(i);
            opened.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + keys.get(i % keys.size()))
                    .connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new Follower(taskId))
                    .thenCompose(socket -> {
                        sockets.add(socket);
                        return socket.sendText("{\"op\":\"subscribe\",\"taskIds\":[\"" + taskId + "\"]}", true);
                    })
                    .whenComplete((ignored, failure) -> {
                        handshakes.release();
                        if (failure != null) {
                            failures.add(taskId + ": " + failure);
                        }
                    }));
        }
        CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> null)
                .get(5, TimeUnit.MINUTES);
    }

    boolean awaitSnapshots(Duration patience) throws InterruptedException {
        return await(patience, () -> snapshotsReceived.size() >= taskIds.size());
    }

    boolean awaitFinal(Duration patience) throws InterruptedException {
        return await(patience, () -> finalArrivals.size() >= taskIds.size());
    }

    /** When each task's final state reached its socket. */
    Map<String, Instant> finalArrivals() {
        return finalArrivals;
    }

    /** Sockets whose snapshot arrived. */
    int snapshotCount() {
        return snapshotsReceived.size();
    }

    /** Snapshots or final states a socket received more than once. */
    int repeats() {
        return repeats.get();
    }

    List<String> failures() {
        return failures;
    }

    List<String> errors() {
        return errors;
    }

    private static boolean await(Duration patience, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return true;
    }

    @Override
    public void close() {
        closing = true;
        List<CompletableFuture<?>> closes = new ArrayList<>();
        for (WebSocket socket : sockets) {
            closes.add(socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").handle((ignored, failure) -> null));
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                .handle((ignored, failure) -> null).join();
    }

    /** Counts the snapshot and the final state of one task as they reach its socket. */
    private final class Follower extends EventListener {

        private final String taskId;

        Follower(String taskId) {
            super(errors);
            this.taskId = taskId;
        }

        @Override
        void onEvent(String text, JsonNode event, Instant at) {
            String type = event.path("type").asText();
            if ("error".equals(type)) {
                errors.add(text);
            } else if (!taskId.equals(event.path("taskId").asText())) {
                errors.add("the socket following " + taskId + " received an event of another task: " + text);
            } else if ("snapshot".equals(type)) {
                if (!snapshotsReceived.add(taskId)) {
                    repeats.incrementAndGet();
                }
            } else if (reportsFinalState(event)) {
                if (finalArrivals.putIfAbsent(taskId, at) != null) {
                    repeats.incrementAndGet();
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closing) {
                failures.add(taskId + ": closed by the api with " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failures.add(taskId + ": " + error);
        }
    }
}
