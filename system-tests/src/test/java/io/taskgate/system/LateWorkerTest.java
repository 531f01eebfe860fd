package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tasks accepted while no worker exists wait on the stream and run once one starts. */
class LateWorkerTest {

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("late-worker");
        api = system.startApi("api-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void tasksSubmittedBeforeAnyWorkerAllSucceedOnceOneStarts() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + "}").get("id").asText());
        }
        assertThat(ids).allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("QUEUED"));

        // Off by default, the fault injector is no type the api knows, nor one this worker announces.
        TaskgateClient.Answer beforeAnyWorker = api.post("/api/v1/tasks", "{\"type\":\"flaky\",\"input\":{}}");
        assertThat(beforeAnyWorker.status()).isEqualTo(400);
        assertThat(beforeAnyWorker.json().get("type").asText()).endsWith("/unknown-type");

        system.startWorker("late-worker", Map.of("taskgate.worker.flaky.enabled", "false"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
        for (int i = 0; i < ids.size(); i++) {
            var task = api.task(ids.get(i));
            assertThat(task.at("/result/message").asInt()).isEqualTo(i);
            assertThat(task.get("attempts").asInt()).isEqualTo(1);
        }
        assertThat(api.post("/api/v1/tasks", "{\"type\":\"flaky\",\"input\":{}}").status()).isEqualTo(400);
    }
}
