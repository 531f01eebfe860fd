package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConcurrentStreamsTest {

    private static final int STREAMS = 200;

    private LlmSimulator simulator;
    private SimulatorClient client;

    @BeforeEach
    void start() {
        // Each stream stays open for about a second, so the 200 overlap.
        simulator = LlmSimulator.start(0, SimulatorConfig.defaults()
                .merge("{\"firstTokenMs\":500,\"tokensPerSecond\":20,\"replyTokens\":10}"));
        client = new SimulatorClient(simulator.port());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void servesTwoHundredStreamsAtOnceToTheEnd() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            responses.add(client.chatAsync(SimulatorClient.chatBody("\"stream\":true")));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        int complete = 0;
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            SseEvents events = SseEvents.parse(response.get().body(), "\n");
            if (events.content().equals("Simulated reply token1 token2 token3 token4 token5 token6 token7 token8")) {
                complete++;
            }
        }
        assertThat(complete).isEqualTo(STREAMS);
        JsonNode stats = client.stats();
        assertThat(stats.path("requests").asLong()).isEqualTo(STREAMS);
        assertThat(stats.path("streamsCompleted").asLong()).isEqualTo(STREAMS);
        assertThat(stats.path("byStatus").path("200").asLong()).isEqualTo(STREAMS);
        assertThat(stats.path("clientDisconnects").asLong()).isZero();
        assertThat(stats.path("active").asLong()).isZero();
        assertThat(stats.path("maxActive").asLong()).as("streams overlapped").isGreaterThan(1);
    }
}
