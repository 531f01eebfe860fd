package io.taskgate.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code /_sim} endpoints through which tests and people steer the simulator and read what
 * it saw. Not part of the OpenAI surface; never protected by the API key, so a test can always
 * reset and reconfigure it.
 */
final class SimulatorAdmin {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AtomicReference<SimulatorConfig> config;
    private final SimulatorStats stats;
    private final FaultSelector faults;

    SimulatorAdmin(AtomicReference<SimulatorConfig> config, SimulatorStats stats, FaultSelector faults) {
        this.config = config;
        this.stats = stats;
        this.faults = faults;
    }

    void showConfig(HttpServerRequest request) {
        sendJson(request.response(), 200, config.get().toJson().toString());
    }

    /** Merges a partial object into the current settings; only requests that arrive later see it. */
    void updateConfig(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            JsonNode patch;
            try {
                patch = MAPPER.readTree(body.getBytes());
            } catch (IOException e) {
                OpenAiErrors.invalidRequest(request.response(), "the config patch is not valid JSON", null);
                return;
            }
            try {
                SimulatorConfig updated = config.updateAndGet(current -> current.merge(patch));
                if (patch.has("seed")) {
                    // Setting a seed restarts its sequence, so a run can be repeated from here.
                    faults.reseed(updated.seed());
                }
                sendJson(request.response(), 200, updated.toJson().toString());
            } catch (IllegalArgumentException invalid) {
                OpenAiErrors.invalidRequest(request.response(), invalid.getMessage(), null);
            }
        });
    }

    void showStats(HttpServerRequest request) {
        sendJson(request.response(), 200, stats.toJson().toString());
    }

    void resetStats(HttpServerRequest request) {
        stats.reset();
        sendJson(request.response(), 200, stats.toJson().toString());
    }

    void health(HttpServerRequest request) {
        sendJson(request.response(), 200, "{\"status\":\"UP\"}");
    }

    static void sendJson(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
