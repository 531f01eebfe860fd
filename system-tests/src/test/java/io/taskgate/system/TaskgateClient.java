package io.taskgate.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for one api-service process, as a web app would use it. */
final class TaskgateClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ServiceProcess api;
    private final String baseUrl;
    private final String apiKey;

    /** A client of {@code api} that sends {@code apiKey} with every call (none when null). */
    TaskgateClient(ServiceProcess api, String apiKey) {
        this(api, api.baseUrl(), apiKey);
    }

    /** A client of an api this test did not start (a deployed one), at {@code baseUrl}. */
    TaskgateClient(String baseUrl, String apiKey) {
        this(null, baseUrl, apiKey);
    }

    private TaskgateClient(ServiceProcess api, String baseUrl, String apiKey) {
        this.api = api;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** The same api, called with another key (or none). */
    TaskgateClient withKey(String otherKey) {
        return new TaskgateClient(api, baseUrl, otherKey);
    }

    String apiKey() {
        return apiKey;
    }

    /** A WebSocket to this api opened the browser's way: no header, a ticket in the query. */
    SocketClient openSocketWithTicket(String ticket) {
        return SocketClient.connect(URI.create(webSocketUri() + "?ticket=" + ticket), null);
    }

    /** A WebSocket to this api, opened with this client's key. */
    SocketClient openSocket() {
        return SocketClient.connect(webSocketUri(), apiKey);
    }

    ServiceProcess process() {
        return api;
    }

    URI webSocketUri() {
        return URI.create(baseUrl.replaceFirst("^http", "ws") + "/ws/tasks");
    }

    /** Submits a task and insists on 202; returns the body. */
    JsonNode submit(String type, String inputJson) {
        Answer answer = post("/api/v1/tasks", "{\"type\":\"" + type + "\",\"input\":" + inputJson + "}");
        if (answer.status() != 202) {
            throw new AssertionError("submit answered " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }

    JsonNode task(String id) {
        Answer answer = get("/api/v1/tasks/" + id);
        if (answer.status() != 200) {
            throw new AssertionError("GET task answered " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }

    Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Answer send(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(null),
                    response.headers().firstValue("Retry-After").orElse(null), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, String contentType, String location, String retryAfter, String body,
            java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
