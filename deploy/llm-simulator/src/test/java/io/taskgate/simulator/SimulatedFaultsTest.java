package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedFaultsTest {

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
    void answers500WithAServerErrorBodyAtErrorRateOne() {
        client.configure("{\"errorRate\":1}");

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = client.chat(SimulatorClient.chatBody("\"stream\":true"));
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(SimulatorClient.json(response.body())).isEqualTo(SimulatorClient.json(
                    "{\"error\":{\"message\":\"simulated server error\",\"type\":\"server_error\","
                            + "\"param\":null,\"code\":null}}"));
        }
        JsonNode stats = client.stats();
        assertThat(stats.path("byStatus").path("500").asLong()).isEqualTo(5);
        assertThat(stats.path("streamsStarted").asLong()).isZero();
    }

    @Test
    void answers429WithRetryAfterAtRateLimitRateOne() {
        client.configure("{\"rateLimitRate\":1,\"retryAfterSeconds\":7}");

        HttpResponse<String> response = client.chat(SimulatorClient.chatBody(""));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        JsonNode error = SimulatorClient.json(response.body()).path("error");
        assertThat(error.path("message").asText()).isEqualTo("Rate limit reached");
        assertThat(error.path("type").asText()).isEqualTo("requests");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void answers400AtBadRequestRateOne() {
        client.configure("{\"badRequestRate\":1}");

        HttpResponse<String> response = client.chat(SimulatorClient.chatBody(""));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(response.body()).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
    }

    @Test
    void neverFailsAtRatesOfZero() {
        client.configure("{\"errorRate\":0,\"rateLimitRate\":0,\"hangRate\":0,\"badRequestRate\":0}");

        for (int i = 0; i < 20; i++) {
            assertThat(client.chat(SimulatorClient.chatBody("")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void hangsUntilTheClientGivesUpThenCountsTheDisconnect() throws Exception {
        client.configure("{\"hangRate\":1}");

        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(
                client.chatRequest(SimulatorClient.chatBody("\"stream\":true")).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode hanging = client.awaitStats(s -> s.path("active").asLong() == 1);
        assertThat(hanging.path("clientDisconnects").asLong()).isZero();

        assertThatThrownBy(pending::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
        JsonNode after = client.awaitStats(s -> s.path("clientDisconnects").asLong() == 1);
        assertThat(after.path("active").asLong()).isZero();
        assertThat(after.path("requests").asLong()).isEqualTo(1);
        assertThat(after.path("byStatus").isEmpty()).as("a hung request never got a status").isTrue();
    }

    @Test
    void aSeedRepeatsTheSameSequenceOfFaults() {
        String first = faultSequence();
        String second = faultSequence();

        assertThat(first).isEqualTo(second).contains("500").contains("200");
    }

    private String faultSequence() {
        client.configure("{\"errorRate\":0.5,\"seed\":7}");
        StringBuilder statuses = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            statuses.append(client.chat(SimulatorClient.chatBody("")).statusCode()).append(' ');
        }
        return statuses.toString();
    }
}
