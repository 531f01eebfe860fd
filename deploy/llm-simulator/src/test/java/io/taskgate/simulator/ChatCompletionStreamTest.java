package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatCompletionStreamTest {

    private static final String SIX_TOKENS = "Simulated reply token1 token2 token3 token4";

    private LlmSimulator simulator;
    private SimulatorClient client;

    @BeforeEach
    void start() {
        simulator = LlmSimulator.start(0, SimulatorConfig.defaults()
                .merge("{\"firstTokenMs\":5,\"tokensPerSecond\":2000,\"replyTokens\":6}"));
        client = new SimulatorClient(simulator.port());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void streamsRoleThenTokensThenFinishThenDoneInOpenAiWireFormat() {
        HttpResponse<String> response = client.chat(SimulatorClient.chatBody("\"stream\":true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(response.body()).doesNotContain("\r").endsWith("data: [DONE]\n\n");
        SseEvents events = SseEvents.parse(response.body(), "\n");
        List<JsonNode> chunks = events.chunks();

        assertThat(chunks).hasSize(1 + 6 + 1);
        JsonNode first = chunks.get(0).path("choices").get(0);
        assertThat(first.path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("delta").path("content").asText()).isEmpty();
        assertThat(events.content()).isEqualTo(SIX_TOKENS);
        List<String> tokens = chunks.subList(1, 7).stream()
                .map(chunk -> chunk.path("choices").get(0).path("delta").path("content").asText())
                .toList();
        assertThat(tokens).containsExactly("Simulated", " reply", " token1", " token2", " token3", " token4");
        JsonNode last = chunks.get(7).path("choices").get(0);
        assertThat(last.path("delta").isEmpty()).isTrue();
        assertThat(last.path("finish_reason").asText()).isEqualTo("stop");
        String id = chunks.get(0).path("id").asText();
        assertThat(id).startsWith("chatcmpl-");
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("id").asText()).isEqualTo(id);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo("test-model");
            assertThat(chunk.path("created").asLong()).isPositive();
            assertThat(chunk.path("choices").get(0).path("index").asInt()).isZero();
            assertThat(chunk.has("usage")).as("no usage field unless asked for").isFalse();
        }
        for (JsonNode chunk : chunks.subList(0, 7)) {
            assertThat(chunk.path("choices").get(0).get("finish_reason").isNull()).isTrue();
        }
    }

    @Test
    void addsAUsageChunkWithoutChoicesWhenAskedFor() {
        HttpResponse<String> response = client.chat(SimulatorClient.chatBody(
                "\"stream\":true, \"stream_options\":{\"include_usage\":true}"));

        List<JsonNode> chunks = SseEvents.parse(response.body(), "\n").chunks();
        assertThat(chunks).hasSize(1 + 6 + 1 + 1);
        assertThat(chunks.get(7).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usageChunk = chunks.get(8);
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        JsonNode usage = usageChunk.path("usage");
        // "say something nice" is three words.
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(9);
        for (JsonNode chunk : chunks.subList(0, 8)) {
            assertThat(chunk.get("usage").isNull()).as("ordinary chunks carry usage: null").isTrue();
        }
    }

    @Test
    void separatesEventsWithCrLfWhenConfigured() {
        client.configure("{\"lineEnding\":\"\\r\\n\"}");

        String body = client.chat(SimulatorClient.chatBody("\"stream\":true")).body();

        assertThat(body).endsWith("data: [DONE]\r\n\r\n");
        assertThat(body.replace("\r\n", "")).as("every line ends with CRLF").doesNotContain("\n").doesNotContain("\r");
        SseEvents events = SseEvents.parse(body, "\r\n");
        assertThat(events.content()).isEqualTo(SIX_TOKENS);
        assertThat(events.data()).hasSize(1 + 6 + 1 + 1);
    }

    @Test
    void maxTokensCutsTheReplyWithFinishReasonLength() {
        String body = client.chat(SimulatorClient.chatBody("\"stream\":true, \"max_tokens\":3")).body();

        List<JsonNode> chunks = SseEvents.parse(body, "\n").chunks();
        assertThat(SseEvents.parse(body, "\n").content()).isEqualTo("Simulated reply token1");
        assertThat(chunks).last()
                .satisfies(last -> assertThat(last.path("choices").get(0).path("finish_reason").asText())
                        .isEqualTo("length"));
    }

    @Test
    void sendsKeepAliveCommentsWhileTheFirstTokenIsPending() {
        client.configure("{\"firstTokenMs\":700,\"keepAliveMs\":100}");

        SseEvents events = SseEvents.parse(client.chat(SimulatorClient.chatBody("\"stream\":true")).body(), "\n");

        assertThat(events.keepAlivesBeforeFirstData()).isGreaterThanOrEqualTo(2);
        assertThat(events.blocks()).filteredOn(block -> !block.startsWith("data: "))
                .as("only keep-alive comments besides data, and none once tokens flow")
                .allMatch(": keep-alive"::equals)
                .hasSize((int) events.keepAlivesBeforeFirstData());
        assertThat(events.chunks().get(0).path("choices").get(0).path("delta").path("role").asText())
                .isEqualTo("assistant");
    }

    @Test
    void sendsNoKeepAliveWhenTheFirstTokenComesSooner() {
        client.configure("{\"firstTokenMs\":50,\"keepAliveMs\":5000}");

        String body = client.chat(SimulatorClient.chatBody("\"stream\":true")).body();

        assertThat(body).doesNotContain(": keep-alive");
    }

    @Test
    void waitsForTheFirstTokenAndPacesTheRest() {
        // 300 ms to the first token, then 5 more at 20 per second: at least 550 ms in all.
        client.configure("{\"firstTokenMs\":300,\"tokensPerSecond\":20}");

        long started = System.nanoTime();
        String body = client.chat(SimulatorClient.chatBody("\"stream\":true")).body();
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(SseEvents.parse(body, "\n").content()).isEqualTo(SIX_TOKENS);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(500);
    }

    @Test
    void countsAClientThatClosesMidStreamAsADisconnect() throws Exception {
        client.configure("{\"tokensPerSecond\":5,\"replyTokens\":100}");

        HttpResponse<InputStream> response = client.sendAsync(
                client.chatRequest(SimulatorClient.chatBody("\"stream\":true")).build(),
                HttpResponse.BodyHandlers.ofInputStream()).get();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: ");
        }

        JsonNode stats = client.awaitStats(s -> s.path("clientDisconnects").asLong() == 1);
        assertThat(stats.path("active").asLong()).isZero();
        assertThat(stats.path("streamsStarted").asLong()).isEqualTo(1);
        assertThat(stats.path("streamsCompleted").asLong()).isZero();
    }

    @Test
    void countsACompletedStream() {
        client.chat(SimulatorClient.chatBody("\"stream\":true"));

        JsonNode stats = client.stats();
        assertThat(stats.path("streamsStarted").asLong()).isEqualTo(1);
        assertThat(stats.path("streamsCompleted").asLong()).isEqualTo(1);
        assertThat(stats.path("clientDisconnects").asLong()).isZero();
        assertThat(stats.path("active").asLong()).isZero();
    }
}
