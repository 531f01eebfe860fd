package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The error rate rises when tasks fail and when requests are refused, and falls back as its window slides. */
class ErrorRateTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String FAILS_FOR_GOOD = "{\"failAttempts\":1000,\"retryable\":false}";

    private RunningSystem system;
    private TaskgateClient api;

    @BeforeEach
    void start() {
        system = RunningSystem.start("error-rate");
        // A window of 6 s so that the test sees it slide; one outcome is enough for a warning.
        // Every answer counts as slow, so the slow-request log has lines to look at.
        api = system.startApi("api-1", Map.of(
                "taskgate.api.health.error-window", "6s",
                "taskgate.api.health.error-rate-minimum-count", "1",
                "taskgate.api.health.slow-request-threshold", "0ms"));
        system.startWorker("worker-1", Map.of(
                "taskgate.worker.report-every", "1s",
                "taskgate.worker.outcome-window", "6s"));
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void risesWithFailedTasksAndRefusedRequestsThenFallsBackAsTheWindowSlides() throws Exception {
        runToTheEnd("echo", "{\"message\":\"ok\"}", 4);
        JsonNode clean = await().atMost(WAIT).until(this::errorRate, rate -> rate.at("/tasks/total").asLong() == 4);
        assertThat(clean.path("status").asText()).isEqualTo("healthy");
        assertThat(clean.at("/tasks/errorRatePercent").asDouble()).isZero();
        assertThat(clean.at("/requests/errors").asLong()).isZero();
        assertThat(clean.at("/requests/breakdown/2xx").asLong()).isPositive();
        assertThat(clean.path("windowSeconds").asLong()).isEqualTo(6);

        runToTheEnd("flaky", FAILS_FOR_GOOD, 2);
        JsonNode failing = await().atMost(WAIT).until(this::errorRate, rate -> rate.at("/tasks/errors").asLong() == 2);
        assertThat(failing.at("/tasks/breakdown/failed").asLong()).isEqualTo(2);
        assertThat(failing.at("/tasksByType/flaky/errorRatePercent").asDouble()).isEqualTo(100.0);
        assertThat(failing.at("/tasksByType/echo/errorRatePercent").asDouble()).isZero();
        assertThat(failing.at("/tasks/warning").asBoolean()).isTrue();
        assertThat(failing.path("status").asText()).isEqualTo("warning");

        TaskgateClient stranger = api.withKey("tgk_not-a-key-of-anyone");
        for (int i = 0; i < 3; i++) {
            assertThat(stranger.get("/api/v1/tasks").status()).isEqualTo(401);
        }
        JsonNode refused = errorRate();
        assertThat(refused.at("/requests/breakdown/4xx").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(refused.at("/requests/errors").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(refused.at("/requests/warning").asBoolean()).isTrue();

        // Nothing new: everything slides out of the 6 s window.
        JsonNode after = await().atMost(WAIT).until(this::errorRate,
                rate -> rate.at("/tasks/total").asLong() == 0 && rate.at("/requests/errors").asLong() == 0);
        assertThat(after.path("status").asText()).isEqualTo("healthy");
        assertThat(after.at("/tasks/warning").asBoolean()).isFalse();

        // At most one line a second, each naming the route, never a task id, and the tenant when known.
        List<String> slow = Files.readAllLines(api.process().logFile()).stream()
                .filter(line -> line.contains("slow request: ")).toList();
        assertThat(slow).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches(".*slow request: [A-Z]+ /api/v1/\\S* answered \\d{3} in \\d+ ms \\(tenant \\S+\\).*")
                .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"));
        assertThat(slow).anySatisfy(line -> assertThat(line).contains("(tenant default)"));
    }

    private JsonNode errorRate() {
        TaskgateClient.Answer answer = api.get("/api/v1/health/error-rate");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    private void runToTheEnd(String type, String input, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(api.submit(type, input).get("id").asText());
        }
        for (String id : ids) {
            await().atMost(WAIT).until(() -> List.of("SUCCEEDED", "FAILED").contains(api.task(id).path("status").asText()));
        }
    }
}
