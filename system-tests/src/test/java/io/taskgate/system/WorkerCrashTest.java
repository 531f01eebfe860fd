package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgate.local.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A worker killed with SIGKILL while holding tasks loses none of them, and none is recorded twice. */
class WorkerCrashTest {

    private RunningSystem system;
    private TaskgateClient api;
    private OutcomeLedger ledger;

    // A stack per test: workers left from one test must not pick up the other's tasks.
    @BeforeEach
    void start() {
        system = RunningSystem.start("worker-crash");
        api = system.startApi("api-1");
        ledger = system.ledger();
        ledger.install();
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void tasksHeldByAKilledWorkerAllSucceedThroughAnotherWorkerWithOneOutcomeEach() {
        ServiceProcess doomed = system.startWorker("doomed",
                RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "32")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":15000,\"steps\":3}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.count(
                "SELECT count(*) FROM tasks WHERE status = 'RUNNING'") == ids.size());

        doomed.kill();
        assertThat(doomed.isAlive()).isFalse();
        system.startWorker("survivor", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "32")));

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
        for (int i = 0; i < ids.size(); i++) {
            var task = api.task(ids.get(i));
            assertThat(task.at("/result/message").asInt()).isEqualTo(i);
            // The killed attempt counts: each task was started again by the survivor.
            assertThat(task.get("attempts").asInt()).isEqualTo(2);
        }
        assertThat(ledger.outcomesPerTask()).hasSize(ids.size()).allSatisfy((id, outcomes) -> assertThat(outcomes)
                .as("outcomes recorded for %s", id).isEqualTo(1));
    }

    @Test
    void taskThatKeepsLosingItsWorkerIsGivenUpAtTheDeliveryLimit() {
        Map<String, String> twoStarts = RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.delivery-limit", "2", "taskgate.worker.default-policy.max-attempts", "1"));
        String id = api.submit("echo", "{\"message\":\"doomed\",\"delayMs\":60000}").get("id").asText();

        for (int start = 1; start <= 2; start++) {
            ServiceProcess worker = system.startWorker("crash-loop-" + start, twoStarts);
            int expectedAttempts = start;
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).get("attempts").asInt() == expectedAttempts
                    && api.task(id).get("status").asText().equals("RUNNING"));
            worker.kill();
        }
        system.startWorker("crash-loop-3", twoStarts);

        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).get("status").asText().equals("FAILED"));
        var task = api.task(id);
        assertThat(task.at("/error/code").asText()).isEqualTo("DELIVERY_LIMIT");
        assertThat(task.get("attempts").asInt()).isEqualTo(2);
        // The entry is dead-lettered just after the outcome is stored.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(system.redis().entries("taskgate:dead-letter")).anySatisfy(entry -> {
                    assertThat(entry).containsEntry("taskId", id);
                    assertThat(entry).containsEntry("reason", "DELIVERY_LIMIT");
                }));
    }
}
