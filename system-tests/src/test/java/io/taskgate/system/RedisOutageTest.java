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

/** Every task accepted with 202 reaches a final state, whether Redis restarts or forgets everything. */
class RedisOutageTest {

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("redis-outage");
        api = system.startApi("api-1");
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "8")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void acceptedTasksAllFinishWhenRedisRestartsMidRun() throws Exception {
        List<String> accepted = submitEchoes(30, 1000);
        system.stack().redis().stop();
        // Submissions while Redis is down are refused with a time to come back, never accepted and lost.
        for (int i = 0; i < 5; i++) {
            TaskgateClient.Answer answer = api.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.retryAfter()).isEqualTo("5");
            assertThat(answer.json().get("type").asText()).endsWith("/queue-unavailable");
        }
        Thread.sleep(2000);
        system.stack().redis().restart();
        accepted.addAll(submitEchoes(10, 0));

        awaitAllFinal(accepted);
    }

    @Test
    void acceptedTasksAllFinishWhenRedisIsFlushed() {
        List<String> accepted = submitEchoes(40, 1000);
        await().atMost(Duration.ofSeconds(20)).until(() -> running(accepted) > 0);
        // Queued entries, pending entries and the consumer group all vanish at once.
        system.redis().call("FLUSHALL");
        accepted.addAll(submitEchoes(5, 0));

        awaitAllFinal(accepted);
    }

    private static List<String> submitEchoes(int count, int delayMs) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":" + delayMs + "}").get("id").asText());
        }
        return ids;
    }

    private static long running(List<String> ids) {
        return ids.stream().filter(id -> api.task(id).get("status").asText().equals("RUNNING")).count();
    }

    private static void awaitAllFinal(List<String> ids) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
    }
}
