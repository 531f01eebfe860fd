package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorAdminTest {

    private LlmSimulator simulator;
    private SimulatorClient client;

    @BeforeEach
    void start() {
        simulator = LlmSimulator.start(0, SimulatorConfig.defaults()
                .merge("{\"firstTokenMs\":5,\"tokensPerSecond\":2000,\"replyTokens\":4}"));
        client = new SimulatorClient(simulator.port());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void reportsHealth() {
        HttpResponse<String> response = client.get("/_sim/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SimulatorClient.json(response.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void countsRequestsByStatusAndResets() {
        client.chat(SimulatorClient.chatBody(""));
        client.chat(SimulatorClient.chatBody("\"stream\":true"));
        client.chat("{\"messages\":[]}");

        JsonNode stats = client.stats();
        assertThat(stats.path("requests").asLong()).isEqualTo(3);
        assertThat(stats.path("byStatus").path("200").asLong()).isEqualTo(2);
        assertThat(stats.path("byStatus").path("400").asLong()).isEqualTo(1);
        assertThat(stats.path("streamsStarted").asLong()).isEqualTo(1);
        assertThat(stats.path("streamsCompleted").asLong()).isEqualTo(1);
        assertThat(stats.path("active").asLong()).isZero();
        assertThat(stats.path("maxActive").asLong()).isEqualTo(1);
        assertThat(stats.path("answeredMs").path("count").asLong()).isEqualTo(3);

        assertThat(client.post("/_sim/reset").statusCode()).isEqualTo(200);

        JsonNode reset = client.stats();
        assertThat(reset.path("requests").asLong()).isZero();
        assertThat(reset.path("byStatus").isEmpty()).isTrue();
        assertThat(reset.path("streamsStarted").asLong()).isZero();
        assertThat(reset.path("streamsCompleted").asLong()).isZero();
        assertThat(reset.path("clientDisconnects").asLong()).isZero();
        assertThat(reset.path("maxActive").asLong()).isZero();
        assertThat(reset.path("answeredMs").path("count").asLong()).isZero();
    }

    @Test
    void timesAPacedStreamFromArrivalToItsLastByte() {
        client.put("/_sim/config", "{\"firstTokenMs\":80,\"tokensPerSecond\":100,\"replyTokens\":3}");

        client.chat(SimulatorClient.chatBody("\"stream\":true"));

        // First token at 80 ms, two more 10 ms apart: the stream cannot end before 100 ms.
        JsonNode answered = client.stats().path("answeredMs");
        assertThat(answered.path("count").asLong()).isEqualTo(1);
        assertThat(answered.path("max").asInt()).isBetween(100, 5_000);
    }

    @Test
    void adminCallsAreNotCountedAsRequests() {
        client.get("/_sim/health");
        client.get("/_sim/config");
        client.get("/v1/models");

        assertThat(client.stats().path("requests").asLong()).isZero();
    }

    @Test
    void mergesAPartialConfigIntoTheCurrentOne() {
        HttpResponse<String> put = client.put("/_sim/config", "{\"errorRate\":0.25,\"requireApiKey\":\"k\"}");

        assertThat(put.statusCode()).isEqualTo(200);
        JsonNode config = SimulatorClient.json(client.get("/_sim/config").body());
        assertThat(config.path("errorRate").asDouble()).isEqualTo(0.25);
        assertThat(config.path("requireApiKey").asText()).isEqualTo("k");
        assertThat(config.path("firstTokenMs").asLong()).as("untouched fields stay").isEqualTo(5);
        assertThat(config.path("replyTokens").asInt()).isEqualTo(4);
        assertThat(config.path("keepAliveMs").asLong()).isEqualTo(15_000);
        assertThat(config.path("model").asText()).isEqualTo("taskgate-sim-1");
        assertThat(SimulatorClient.json(put.body())).isEqualTo(config);

        client.configure("{\"requireApiKey\":null}");
        assertThat(SimulatorClient.json(client.get("/_sim/config").body()).get("requireApiKey").isNull()).isTrue();
        assertThat(client.chat(SimulatorClient.chatBody("")).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAnInvalidConfigAndKeepsTheCurrentOne() {
        HttpResponse<String> outOfRange = client.put("/_sim/config", "{\"errorRate\":1.5}");
        HttpResponse<String> unknown = client.put("/_sim/config", "{\"errorRat\":1}");
        HttpResponse<String> badLineEnding = client.put("/_sim/config", "{\"lineEnding\":\"\\r\"}");

        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(outOfRange.body()).contains("errorRate");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("errorRat");
        assertThat(badLineEnding.statusCode()).isEqualTo(400);
        JsonNode config = SimulatorClient.json(client.get("/_sim/config").body());
        assertThat(config.path("errorRate").asDouble()).isZero();
        assertThat(config.path("lineEnding").asText()).isEqualTo("\n");
    }
}
