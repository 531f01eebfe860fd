package io.taskgate.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) that records every message the server pushes. */
final class SocketClient implements WebSocket.Listener, AutoCloseable {

    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;
    private volatile boolean closedByServer;
    private volatile int closeCode = -1;
    private volatile Throwable error;

    private SocketClient(HttpClient client, URI uri, String apiKey, String origin) {
        WebSocket.Builder builder = client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, this).join();
    }

    /** Opens a socket, sending {@code apiKey} on the upgrade (none when null). */
    static SocketClient connect(URI uri, String apiKey) {
        return new SocketClient(HttpClient.newHttpClient(), uri, apiKey, null);
    }

    /** Opens a socket through {@code client} (a wss:// one with its own trust, for instance). */
    static SocketClient connect(HttpClient client, URI uri, String apiKey) {
        return new SocketClient(client, uri, apiKey, null);
    }

    /** Opens a socket as a page from {@code origin} would. */
    static SocketClient connect(URI uri, String apiKey, String origin) {
        return new SocketClient(HttpClient.newHttpClient(), uri, apiKey, origin);
    }

    /** The code of the server's close frame; -1 while open, or when the connection was dropped without one. */
    int closeCode() {
        return closeCode;
    }

    /** Set when the connection failed without a close frame: what a client sees as 1006. */
    Throwable error() {
        return error;
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    void subscribe(String... taskIds) {
        send("{\"op\":\"subscribe\",\"taskIds\":[\"" + String.join("\",\"", taskIds) + "\"]}");
    }

    /** The next message, failing the test if none arrives in time. */
    JsonNode next(Duration timeout) {
        try {
            JsonNode message = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no WebSocket message within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every message up to and including the first that matches {@code last}. */
    List<JsonNode> until(Predicate<JsonNode> last, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode message = next(Duration.ofNanos(Math.max(left, 1)));
            messages.add(message);
            if (last.test(message)) {
                return messages;
            }
        }
    }

    /** Every message that arrived so far, without waiting. */
    List<JsonNode> drain() {
        List<JsonNode> messages = new ArrayList<>();
        received.drainTo(messages);
        return messages;
    }

    boolean closedByServer() {
        return closedByServer;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                received.add(TaskgateClient.JSON.readTree(partial.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        closedByServer = true;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable failure) {
        error = failure;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        socket.abort();
    }
}
