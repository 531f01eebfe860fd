package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The circuit breaker and the fleet-wide rate limit of llm.chat, watched from outside. */
class UpstreamGuardsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private RunningSystem system;
    private TaskgateClient api;
    private SimulatorControl simulator;

    @BeforeEach
    void start() {
        system = RunningSystem.start("guards");
        api = system.startApi("api-1");
        simulator = system.startLlmSimulator();
        simulator.configure("{\"firstTokenMs\":50,\"tokensPerSecond\":100,\"replyTokens\":5}");
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void breakerOpensOnAFailingProviderFailsFastIsReportedAndClosesWhenTheProviderRecovers() {
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of(
                "taskgate.llm.breaker.window", "4",
                "taskgate.llm.breaker.failure-ratio", "0.5",
                "taskgate.llm.breaker.delay", "4s",
                "taskgate.llm.breaker.success-threshold", "1",
                "taskgate.worker.policies.\"llm.chat\".max-attempts", "1")));
        simulator.configure("{\"errorRate\":1}");
        try (SocketClient dashboard = api.openSocket()) {
            dashboard.send("{\"op\":\"subscribe\",\"topics\":[\"system\"]}");

            List<String> failing = submitAndAwaitFinal(4);
            assertThat(failing).allSatisfy(id -> assertThat(api.task(id).at("/error/code").asText())
                    .isEqualTo("UPSTREAM_UNAVAILABLE"));
            JsonNode opened = dashboard.until(m -> "OPEN".equals(m.path("to").asText()), WAIT).stream()
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(opened.get("breaker").asText()).isEqualTo("llm");
            assertThat(opened.get("from").asText()).isEqualTo("CLOSED");

            long requestsWhenOpened = simulator.requests();
            List<String> refused = submitAndAwaitFinal(3);
            assertThat(refused).allSatisfy(id -> assertThat(api.task(id).at("/error/code").asText()).isEqualTo("CIRCUIT_OPEN"));
            assertThat(simulator.requests()).as("calls that reached the provider while open").isEqualTo(requestsWhenOpened);

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode health = api.get("/api/v1/health/circuit-breakers").json();
                assertThat(health.get("status").asText()).isEqualTo("degraded");
                assertThat(health.get("openCount").asInt()).isEqualTo(1);
                assertThat(health.at("/breakers/0/name").asText()).isEqualTo("llm");
                assertThat(health.at("/breakers/0/state").asText()).isEqualTo("OPEN");
                assertThat(health.at("/breakers/0/failureRate").asDouble()).isGreaterThanOrEqualTo(0.5);
            });

            simulator.configure("{\"errorRate\":0}");
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String id = api.submit("llm.chat", CHAT).get("id").asText();
                await().atMost(WAIT).until(() -> isFinal(api.task(id)));
                return api.task(id).get("status").asText().equals("SUCCEEDED");
            });
            dashboard.until(m -> "CLOSED".equals(m.path("to").asText()), WAIT);
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    api.get("/api/v1/health/circuit-breakers").json().get("status").asText().equals("healthy"));
        }
    }

    @Test
    void twoWorkersTogetherStayWithinTheFleetRequestsPerMinuteAndWaitingTasksHoldNoSlot() {
        Map<String, String> limited = RunningSystem.fastRecovery(Map.of(
                "taskgate.llm.requests-per-minute", "12",
                "taskgate.worker.concurrency", "2"));
        system.startWorker("worker-1", limited);
        system.startWorker("worker-2", limited);
        long before = simulator.requests();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(api.submit("llm.chat", CHAT).get("id").asText());
        }
        // Twelve get through at once; the rest wait in the queue for the window to move.
        await().atMost(WAIT).until(() -> count(ids, "SUCCEEDED") == 12);
        // Four slots across two workers, eight tasks waiting: a cheap task still runs at once.
        String echo = api.submit("echo", "{\"message\":\"not blocked\"}").get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.task(echo).get("status").asText().equals("SUCCEEDED"));
        assertThat(simulator.requests() - before).isEqualTo(12);
        assertThat(ids).filteredOn(id -> api.task(id).get("status").asText().equals("QUEUED")).hasSize(8)
                .allSatisfy(id -> assertThat(api.task(id).get("attempts").asInt()).isZero());
    }

    @Test
    void tokensPerMinuteLimitStopsCallsOnceTheWindowsTokensAreSpent() {
        Map<String, String> limited = RunningSystem.fastRecovery(Map.of(
                "taskgate.llm.tokens-per-minute", "60",
                "taskgate.worker.concurrency", "1"));
        system.startWorker("worker-1", limited);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            ids.add(api.submit("llm.chat", CHAT).get("id").asText());
        }
        // Calls go through while the window holds fewer than 60 tokens, then the rest wait: the
        // count of finished tasks stops moving (for the rest of the minute).
        java.util.concurrent.atomic.AtomicLong lastCount = new java.util.concurrent.atomic.AtomicLong(-1);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(3)).until(() -> {
            long now = count(ids, "SUCCEEDED");
            return now > 0 && settled(ids) && now == lastCount.getAndSet(now);
        });
        List<String> done = ids.stream().filter(id -> api.task(id).get("status").asText().equals("SUCCEEDED")).toList();
        int tokensSpent = done.stream().mapToInt(id -> api.task(id).at("/result/usage/totalTokens").asInt()).sum();
        int largestCall = done.stream().mapToInt(id -> api.task(id).at("/result/usage/totalTokens").asInt()).max().orElse(0);
        // One worker slot: at most one call can start while the window is still under the limit.
        assertThat(tokensSpent).isLessThan(60 + largestCall);
        assertThat(done.size()).isLessThan(ids.size());
        assertThat(ids).filteredOn(id -> api.task(id).get("status").asText().equals("QUEUED"))
                .isNotEmpty()
                .allSatisfy(id -> assertThat(api.task(id).get("attempts").asInt()).isZero());
    }

    /** Nothing is running any more: every task is finished or waiting for the window. */
    private boolean settled(List<String> ids) {
        return ids.stream().map(id -> api.task(id).get("status").asText()).noneMatch("RUNNING"::equals);
    }

    private List<String> submitAndAwaitFinal(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = api.submit("llm.chat", CHAT).get("id").asText();
            await().atMost(WAIT).until(() -> isFinal(api.task(id)));
            ids.add(id);
        }
        return ids;
    }

    private long count(List<String> ids, String status) {
        return ids.stream().filter(id -> api.task(id).get("status").asText().equals(status)).count();
    }

    private static boolean isFinal(JsonNode task) {
        String status = task.get("status").asText();
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
    }
}
