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
import org.junit.jupiter.api.Test;

/** Retryable failures come back after the configured backoff; poison tasks end in the dead-letter stream. */
class RetryAndDeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("retries");
        api = system.startApi("api-1");
        // Three attempts, 1 s then 2 s apart; no jitter so the spacing is exact enough to check.
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.default-policy.max-attempts", "3",
                "taskgate.worker.default-policy.initial-backoff", "1s",
                "taskgate.worker.default-policy.multiplier", "2",
                "taskgate.worker.default-policy.jitter", "0",
                "taskgate.worker.policies.echo.timeout", "1s",
                "taskgate.worker.policies.echo.max-attempts", "1")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void poisonTaskIsRetriedWithBackoffThenDeadLetteredAndFailed() {
        String id = api.submit("flaky", "{\"failAttempts\":1000,\"code\":\"ALWAYS_BROKEN\"}").get("id").asText();
        List<JsonNode> pushed;
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
        }

        // Every view carries the current attempt's start, the snapshot included (attempt 1 may predate the subscription).
        List<Instant> starts = pushed.stream()
                .filter(m -> m.at("/task/startedAt").isTextual())
                .map(m -> Instant.parse(m.at("/task/startedAt").asText()))
                .distinct()
                .toList();
        assertThat(starts).hasSize(3);
        // Backoff after attempt 1 is 1 s, after attempt 2 is 2 s; the due-retry poll adds at most a fraction of a second.
        assertThat(Duration.between(starts.get(0), starts.get(1))).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2500));
        assertThat(Duration.between(starts.get(1), starts.get(2))).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3500));

        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.at("/task/status").asText()).isEqualTo("FAILED");
        assertThat(last.at("/task/error/code").asText()).isEqualTo("ALWAYS_BROKEN");
        assertThat(last.at("/task/attempts").asInt()).isEqualTo(3);
        assertThat(api.task(id)).isEqualTo(last.get("task"));

        // The entry is dead-lettered just after the outcome is stored and pushed.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(system.redis().entries("taskgate:dead-letter")).anySatisfy(entry -> {
                    assertThat(entry).containsEntry("taskId", id);
                    assertThat(entry).containsEntry("reason", "RETRIES_EXHAUSTED");
                }));
    }

    @Test
    void flakyTaskSucceedsOnTheAttemptAfterItsFailures() {
        String id = api.submit("flaky", "{\"failAttempts\":2}").get("id").asText();
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
        JsonNode task = api.task(id);
        assertThat(task.get("attempts").asInt()).isEqualTo(3);
        assertThat(task.at("/result/succeededOnAttempt").asInt()).isEqualTo(3);
        assertThat(task.get("error").isNull()).isTrue();
    }

    @Test
    void nonRetryableFailureIsNotRetriedNorDeadLettered() {
        String id = api.submit("flaky", "{\"failAttempts\":5,\"retryable\":false,\"code\":\"REJECTED\"}")
                .get("id").asText();
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("FAILED"));
        JsonNode task = api.task(id);
        assertThat(task.get("attempts").asInt()).isEqualTo(1);
        assertThat(task.at("/error/code").asText()).isEqualTo("REJECTED");
        assertThat(task.at("/error/retryable").asBoolean()).isFalse();
        assertThat(system.redis().entries("taskgate:dead-letter")).noneSatisfy(entry ->
                assertThat(entry).containsEntry("taskId", id));
    }

    @Test
    void attemptThatOutlivesItsTypesTimeoutFailsWithTimeout() {
        // echo has its own policy on this worker: 1 s per attempt, no retries.
        String id = api.submit("echo", "{\"delayMs\":20000}").get("id").asText();
        await().atMost(WAIT).until(() -> api.task(id).get("status").asText().equals("FAILED"));
        JsonNode task = api.task(id);
        assertThat(task.at("/error/code").asText()).isEqualTo("TIMEOUT");
        assertThat(task.at("/error/retryable").asBoolean()).isTrue();
        assertThat(Duration.between(Instant.parse(task.get("startedAt").asText()),
                Instant.parse(task.get("finishedAt").asText()))).isLessThan(Duration.ofSeconds(10));
    }
}
