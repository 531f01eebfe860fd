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

/**
 * Cancelling crosses processes: the cancel arrives at one api instance, the task runs in a
 * worker process, and the socket watching it is on another api instance.
 */
class CancellationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RunningSystem system;
    private static TaskgateClient submitter;
    private static TaskgateClient canceller;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("cancel");
        submitter = system.startApi("api-1");
        canceller = system.startApi("api-2");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void queuedTaskIsCancelledAndNeverRunsWhileRunningTaskIsStoppedOnItsWorker() {
        // No worker yet: this task can only be queued when it is cancelled.
        String queued = submitter.submit("echo", "{\"message\":\"never\"}").get("id").asText();
        TaskgateClient.Answer cancelledQueued = canceller.post("/api/v1/tasks/" + queued + "/cancel", "");
        assertThat(cancelledQueued.status()).isEqualTo(200);
        assertThat(cancelledQueued.json().get("status").asText()).isEqualTo("CANCELLED");

        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of()));
        String running = submitter.submit("echo", "{\"message\":\"long\",\"delayMs\":60000,\"steps\":60}")
                .get("id").asText();
        try (SocketClient socket = submitter.openSocket()) {
            socket.subscribe(running);
            socket.until(m -> m.get("type").asText().equals("progress"), WAIT);

            Instant asked = Instant.now();
            TaskgateClient.Answer cancelRunning = canceller.post("/api/v1/tasks/" + running + "/cancel", "");
            assertThat(cancelRunning.status()).isEqualTo(202);

            List<JsonNode> pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
            JsonNode last = pushed.get(pushed.size() - 1);
            assertThat(last.at("/task/status").asText()).isEqualTo("CANCELLED");
            // The handler's work was stopped, not waited out: the task had most of a minute left.
            Instant finished = Instant.parse(last.at("/task/finishedAt").asText());
            assertThat(Duration.between(asked, finished)).isLessThan(Duration.ofSeconds(20));
            assertThat(submitter.task(running)).isEqualTo(last.get("task"));
        }

        // The cancelled queued task stays cancelled and never ran, even with a worker present.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode task = submitter.task(queued);
            assertThat(task.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(task.get("attempts").asInt()).isZero();
        });

        TaskgateClient.Answer again = canceller.post("/api/v1/tasks/" + running + "/cancel", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }
}
