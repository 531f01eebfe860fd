package io.taskgate.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Drives the LLM simulator process from tests: its behaviour knobs and its counters. */
final class SimulatorControl {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ServiceProcess simulator;

    SimulatorControl(ServiceProcess simulator) {
        this.simulator = simulator;
    }

    /** Merges the given settings into the simulator's configuration. */
    void configure(String partialJson) {
        send(HttpRequest.newBuilder(uri("/_sim/config")).PUT(HttpRequest.BodyPublishers.ofString(partialJson))
                .header("Content-Type", "application/json"));
    }

    JsonNode stats() {
        return send(HttpRequest.newBuilder(uri("/_sim/stats")).GET());
    }

    long requests() {
        return stats().path("requests").asLong();
    }

    long clientDisconnects() {
        return stats().path("clientDisconnects").asLong();
    }

    private URI uri(String path) {
        return URI.create(simulator.baseUrl() + path);
    }

    private static JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError("simulator answered " + response.statusCode() + ": " + response.body());
            }
            return TaskgateClient.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
