package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** llm.chat against the OpenAI-compatible simulator: token streaming to sockets, late subscribers, upstream errors. */
class LlmStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";

    private static RunningSystem system;
    private static TaskgateClient api;
    private static SimulatorControl simulator;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("llm");
        api = system.startApi("api-1");
        simulator = system.startLlmSimulator();
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.policies.\"llm.chat\".max-attempts", "3",
                "taskgate.worker.policies.\"llm.chat\".initial-backoff", "500ms",
                "taskgate.worker.policies.\"llm.chat\".jitter", "0",
                // A provider silent for 2 s is given up on (keep-alives come every 15 s).
                "taskgate.llm.idle-timeout", "2s")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @BeforeEach
    void healthyUpstream() {
        simulator.configure("{\"firstTokenMs\":100,\"tokensPerSecond\":40,\"replyTokens\":20,\"errorRate\":0,"
                + "\"rateLimitRate\":0,\"badRequestRate\":0,\"hangRate\":0}");
    }

    @Test
    void outputChunksArrivePushedInOrderAndMakeUpTheStoredResult() {
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        List<JsonNode> pushed;
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
        }
        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.at("/task/status").asText()).isEqualTo("SUCCEEDED");
        List<JsonNode> outputs = outputsOf(pushed);
        // Tokens arriving within a few milliseconds of each other travel together, so there are
        // at most as many pieces as tokens, numbered without gaps.
        assertThat(outputs).hasSizeBetween(2, 20);
        assertThat(outputs).extracting(m -> m.get("outputIndex").asInt()).containsExactly(range(outputs.size()));
        String text = concatenated(outputs);
        assertThat(text).isNotBlank().isEqualTo(last.at("/task/result/text").asText());
        assertThat(last.at("/task/result/finishReason").asText()).isEqualTo("stop");
        assertThat(last.at("/task/result/usage/completionTokens").asInt()).isEqualTo(20);
        assertThat(api.task(id)).isEqualTo(last.get("task"));
        // The stored result now holds the answer: the kept pieces are left a minute, not the hour
        // a running attempt gets.
        String kept = "taskgate:output:" + id + ":1";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat((Long) system.redis().call("PTTL", kept)).isBetween(1L, 60_000L));
        // No tokens-per-minute limit is set here, so no window of used tokens is kept to grow.
        assertThat(system.redis().call("EXISTS", "taskgate:ratelimit:llm:tokens")).isEqualTo(0L);
    }

    @Test
    void subscriberArrivingMidStreamGetsEveryChunkExactlyOnce() {
        simulator.configure("{\"tokensPerSecond\":10,\"replyTokens\":40}");
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        try (SocketClient early = api.openSocket()) {
            early.subscribe(id);
            early.until(m -> m.get("type").asText().equals("output") && m.get("outputIndex").asInt() >= 5, WAIT);
            try (SocketClient late = api.openSocket()) {
                late.subscribe(id);
                List<JsonNode> pushed = late.until(SubmitToPushTest::isFinal, WAIT);
                assertThat(pushed.get(0).get("type").asText()).isEqualTo("snapshot");
                assertThat(pushed.get(0).at("/task/status").asText()).isEqualTo("RUNNING");
                List<JsonNode> outputs = outputsOf(pushed);
                assertThat(outputs.size()).isGreaterThan(5);
                assertThat(outputs).extracting(m -> m.get("outputIndex").asInt()).containsExactly(range(outputs.size()));
                JsonNode last = pushed.get(pushed.size() - 1);
                assertThat(concatenated(outputs)).isEqualTo(last.at("/task/result/text").asText());
            }
        }
    }

    @Test
    void cancellingAStreamingTaskClosesTheUpstreamConnection() {
        simulator.configure("{\"tokensPerSecond\":5,\"replyTokens\":200}");
        long disconnectsBefore = simulator.clientDisconnects();
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            socket.until(m -> m.get("type").asText().equals("output"), WAIT);
            assertThat(api.post("/api/v1/tasks/" + id + "/cancel", "").status()).isEqualTo(202);
            JsonNode last = socket.until(SubmitToPushTest::isFinal, WAIT).stream().reduce((a, b) -> b).orElseThrow();
            assertThat(last.at("/task/status").asText()).isEqualTo("CANCELLED");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.clientDisconnects() > disconnectsBefore);
    }

    @Test
    void requestTheProviderRejectsFailsWithoutRetry() {
        simulator.configure("{\"badRequestRate\":1}");
        long requestsBefore = simulator.requests();
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("FAILED"));
        JsonNode task = api.task(id);
        assertThat(task.at("/error/code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(task.at("/error/retryable").asBoolean()).isFalse();
        assertThat(task.get("attempts").asInt()).isEqualTo(1);
        assertThat(simulator.requests() - requestsBefore).isEqualTo(1);
    }

    @Test
    void rateLimitedCallIsRetriedNoEarlierThanRetryAfter() {
        simulator.configure("{\"rateLimitRate\":1,\"retryAfterSeconds\":2}");
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        await().atMost(WAIT).until(() -> "UPSTREAM_RATE_LIMITED".equals(api.task(id).at("/error/code").asText()));
        Instant firstStart = Instant.parse(api.task(id).get("startedAt").asText());
        simulator.configure("{\"rateLimitRate\":0}");

        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
        JsonNode task = api.task(id);
        assertThat(task.get("attempts").asInt()).isEqualTo(2);
        // The retry policy alone would come back after 500 ms; the provider asked for 2 s.
        assertThat(Duration.between(firstStart, Instant.parse(task.get("startedAt").asText())))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void hangingProviderIsGivenUpAfterTheIdleTimeoutAndRetried() {
        simulator.configure("{\"hangRate\":1}");
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        await().atMost(WAIT).until(() -> "UPSTREAM_TIMEOUT".equals(api.task(id).at("/error/code").asText()));
        JsonNode timedOut = api.task(id);
        assertThat(timedOut.at("/error/retryable").asBoolean()).isTrue();
        simulator.configure("{\"hangRate\":0}");
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
        assertThat(api.task(id).get("attempts").asInt()).isGreaterThanOrEqualTo(2);
        // The hung calls were closed by the worker, not left open at the provider.
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.stats().path("active").asInt() == 0);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffUntilTheProviderRecovers() {
        simulator.configure("{\"errorRate\":1}");
        String id = api.submit("llm.chat", CHAT).get("id").asText();
        await().atMost(WAIT).until(() -> "UPSTREAM_UNAVAILABLE".equals(api.task(id).at("/error/code").asText()));
        Instant firstStart = Instant.parse(api.task(id).get("startedAt").asText());
        simulator.configure("{\"errorRate\":0}");
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
        JsonNode task = api.task(id);
        assertThat(task.get("attempts").asInt()).isEqualTo(2);
        assertThat(Duration.between(firstStart, Instant.parse(task.get("startedAt").asText())))
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    private static List<JsonNode> outputsOf(List<JsonNode> pushed) {
        return pushed.stream().filter(m -> m.get("type").asText().equals("output")).toList();
    }

    private static String concatenated(List<JsonNode> outputs) {
        StringBuilder text = new StringBuilder();
        outputs.forEach(m -> text.append(m.get("output").asText()));
        return text.toString();
    }

    private static Integer[] range(int count) {
        Integer[] indices = new Integer[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
