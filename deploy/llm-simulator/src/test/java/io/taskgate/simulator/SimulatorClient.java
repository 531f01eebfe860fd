package io.taskgate.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Real HTTP over loopback to a simulator under test, with the JDK's client. */
final class SimulatorClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;

    SimulatorClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    static String chatBody(String extraFields) {
        String extra = extraFields.isEmpty() ? "" : ", " + extraFields;
        return "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"say something nice\"}]"
                + extra + "}";
    }

    HttpRequest.Builder chatRequest(String body) {
        return HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> chat(String body) {
        return send(chatRequest(body).build());
    }

    CompletableFuture<HttpResponse<String>> chatAsync(String body) {
        return http.sendAsync(chatRequest(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, handler);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to the simulator failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build());
    }

    HttpResponse<String> put(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Changes the simulator's settings for the test that follows; a refused change fails the test here. */
    void configure(String jsonPatch) {
        HttpResponse<String> response = put("/_sim/config", jsonPatch);
        if (response.statusCode() != 200) {
            throw new AssertionError("config refused: " + response.body());
        }
    }

    HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    JsonNode stats() {
        return json(get("/_sim/stats").body());
    }

    /** Polls the stats until they match: the server sees a client's hang-up a moment after it happens. */
    JsonNode awaitStats(Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode stats = stats();
        while (!condition.test(stats)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stats never reached the expected state; last: " + stats);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            stats = stats();
        }
        return stats;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
