package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgate.local.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SIGTERM under load: the worker finishes what it holds, takes nothing new, and nothing is lost. */
class GracefulShutdownTest {

    private static RunningSystem system;
    private static TaskgateClient api;
    private static OutcomeLedger ledger;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("graceful");
        api = system.startApi("api-1");
        ledger = system.ledger();
        ledger.install();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void tasksRunningAtSigtermFinishOnTheStoppingWorkerAndTheRestRunElsewhere() {
        ServiceProcess stopping = system.startWorker("stopping", RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.concurrency", "10", "taskgate.worker.shutdown-grace", "20s")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":3000}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger.count(
                "SELECT count(*) FROM tasks WHERE status = 'RUNNING'") == 10);

        stopping.stop(Duration.ofSeconds(40));
        assertThat(stopping.isAlive()).isFalse();
        // What it held when told to stop, it finished itself: nothing was left for reclaiming.
        assertThat(ledger.count("SELECT count(*) FROM tasks WHERE status = 'RUNNING'")).isZero();
        long finishedBeforeExit = ledger.count("SELECT count(*) FROM tasks WHERE status = 'SUCCEEDED'");
        assertThat(finishedBeforeExit).isBetween(10L, 39L);

        system.startWorker("successor", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "10")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
        assertThat(ids).allSatisfy(id -> assertThat(api.task(id).get("attempts").asInt()).isEqualTo(1));
        assertThat(ledger.outcomesPerTask()).hasSize(ids.size()).allSatisfy((id, outcomes) -> assertThat(outcomes).isEqualTo(1));
    }
}
