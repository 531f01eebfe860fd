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

/**
 * A live worker keeps its long tasks however short the claim timeout, and finished tasks are
 * purged once their retention has passed.
 */
class ClaimAndRetentionTest {

    private static RunningSystem system;
    private static TaskgateClient api;
    private static OutcomeLedger ledger;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("claims");
        api = system.startApi("api-1");
        ledger = system.ledger();
        ledger.install();
        // Claims expire after 3 s of silence; retention is 3 s, checked every second.
        Map<String, String> config = RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.retention.finished-tasks", "3s", "taskgate.worker.retention.every", "1s"));
        system.startWorker("worker-1", config);
        system.startWorker("worker-2", config);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void tasksRunningFourTimesLongerThanTheClaimTimeoutAreNeverTakenFromTheirWorker() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":12000}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.count(
                "SELECT count(*) FROM test_outcome_log") >= ids.size());
        // Read straight from the table: the tasks may already be purged from the API's view.
        assertThat(ledger.count("SELECT count(*) FROM test_outcome_log WHERE status = 'SUCCEEDED'"))
                .isEqualTo(ids.size());
        assertThat(ledger.outcomesPerTask()).allSatisfy((id, outcomes) -> assertThat(outcomes).isEqualTo(1));
        // One attempt each: no other worker ever took a task over while it ran.
        assertThat(ledger.count("SELECT max(attempts) FROM test_outcome_log")).isEqualTo(1);
    }

    @Test
    void finishedTasksArePurgedAfterTheirRetention() {
        String id = api.submit("echo", "{\"message\":\"short-lived\"}").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/tasks/" + id).status() == 200
                && api.task(id).get("status").asText().equals("SUCCEEDED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/tasks/" + id).status() == 404);
    }
}
