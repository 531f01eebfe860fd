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

/** PostgreSQL stopped while tasks run: nothing is acknowledged without its outcome, and all finish after the restart. */
class PostgresOutageTest {

    private static RunningSystem system;
    private static TaskgateClient api;
    private static OutcomeLedger ledger;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("postgres-outage");
        api = system.startApi("api-1");
        ledger = system.ledger();
        ledger.install();
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "32")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void tasksRunningWhenTheDatabaseStopsAllSucceedAfterItComesBack() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":3000}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.count(
                "SELECT count(*) FROM tasks WHERE status = 'RUNNING'") == ids.size());

        String unusedKey = system.issueKey(api, "default", "read");
        system.stack().postgres().stop();
        // A key this instance has not looked up yet cannot be checked: the caller is told to come
        // back, not refused as if the key were wrong.
        TaskgateClient.Answer unverifiable = api.withKey(unusedKey).get("/api/v1/tasks");
        assertThat(unverifiable.status()).isEqualTo(503);
        assertThat(unverifiable.json().get("type").asText()).endsWith("/credentials-unverifiable");
        assertThat(unverifiable.retryAfter()).isEqualTo("5");
        // The attempts end while the database is away: their outcomes cannot be stored, so their
        // entries must stay pending in Redis rather than be acknowledged.
        Thread.sleep(5000);
        long pendingDuringOutage = pendingEntries();
        system.stack().postgres().restart();

        assertThat(pendingDuringOutage).isEqualTo(ids.size());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
        for (int i = 0; i < ids.size(); i++) {
            assertThat(api.task(ids.get(i)).at("/result/message").asInt()).isEqualTo(i);
        }
        assertThat(ledger.outcomesPerTask()).hasSize(ids.size())
                .allSatisfy((id, outcomes) -> assertThat(outcomes).as("outcomes of %s", id).isEqualTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingEntries() == 0);
    }

    private static long pendingEntries() {
        List<?> summary = (List<?>) system.redis().call("XPENDING", "taskgate:tasks", "workers");
        return (Long) summary.get(0);
    }
}
