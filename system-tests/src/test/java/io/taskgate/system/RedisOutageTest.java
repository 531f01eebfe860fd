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
    /** Configured to refuse what it cannot count, where the default lets it in. */
    private static TaskgateClient strictApi;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("redis-outage");
        api = system.startApi("api-1");
        strictApi = system.startApi("api-strict", Map.of("taskgate.api.limits.when-redis-fails", "refuse"));
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of(
                "taskgate.worker.concurrency", "8",
                "taskgate.worker.announce-every", "1s")));
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
        // Rate limits cannot be counted: by default reads go on without them, uncounted...
        TaskgateClient.Answer read = api.get("/api/v1/tasks/" + accepted.get(0));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("RateLimit")).isNull();
        // ...and where the operator chose so, they are refused with a time to come back.
        TaskgateClient.Answer strictRead = strictApi.get("/api/v1/tasks/" + accepted.get(0));
        assertThat(strictRead.status()).isEqualTo(503);
        assertThat(strictRead.json().get("type").asText()).endsWith("/rate-limit-unavailable");
        assertThat(strictRead.retryAfter()).isEqualTo("1");
        // Tickets live in Redis: none can be issued meanwhile, and the answer says to come back.
        TaskgateClient.Answer ticket = api.post("/api/v1/ws-tickets", "");
        assertThat(ticket.status()).isEqualTo(503);
        assertThat(ticket.json().get("type").asText()).endsWith("/tickets-unavailable");
        assertThat(ticket.retryAfter()).isEqualTo("5");
        Thread.sleep(2000);
        system.stack().redis().restart();
        assertThat(api.get("/api/v1/tasks/" + accepted.get(0)).header("RateLimit")).isNotNull();
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
        // The workers announce their types and input schemas again, so the api goes back to
        // holding inputs to their schema instead of letting everything through.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(system.redis().call("SISMEMBER", "taskgate:handler-types", "flaky")).isEqualTo(1L);
            TaskgateClient.Answer invalid = api.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{\"delayMs\":-1}}");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().get("type").asText()).endsWith("/invalid-input");
        });
    }

    /**
     * Redis dies under many concurrent submits, so batches are cut in the middle: rows stored,
     * their XADD refused. Each request of such a batch is answered 503 with Retry-After and its
     * row withdrawn; every 202 runs once Redis is back, and no other row of the burst is left.
     */
    @Test
    void aBurstCutByARedisCrashAcceptsExactlyWhatItQueued() throws Exception {
        String burst = java.util.UUID.randomUUID().toString();
        // Budgets the burst does not reach: it measures batches, not rate limits.
        TaskgateClient burstApi = system.startApi("api-burst", Map.of(
                "taskgate.api.limits.submit-per-key", "100000000", "taskgate.api.limits.submit-per-tenant", "100000000"));
        java.util.Set<String> accepted = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Map<String, Integer> refusals = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean crashed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger refusedAfterCrash = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(64);
        for (int c = 0; c < 64; c++) {
            clients.execute(() -> {
                while (refusedAfterCrash.get() < 200) {
                    TaskgateClient.Answer answer = burstApi.post("/api/v1/tasks",
                            "{\"type\":\"echo\",\"input\":{\"message\":\"" + burst + "\"}}");
                    if (answer.status() == 202) {
                        accepted.add(answer.json().get("id").asText());
                    } else {
                        refusals.merge(answer.status() + " " + answer.json().get("type").asText().replaceAll(".*/", "")
                                + (answer.retryAfter() == null ? " without Retry-After" : " with Retry-After"), 1, Integer::sum);
                        if (crashed.get()) {
                            refusedAfterCrash.incrementAndGet();
                        }
                    }
                }
            });
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(accepted.size())
                .as("accepted before the crash; refused meanwhile: %s", refusals).isGreaterThanOrEqualTo(500));
        crashed.set(true);
        system.crashRedis();
        clients.shutdown();
        assertThat(clients.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).as("clients stopped").isTrue();
        // The load formed batches, so the crash cut some of them, not only single submits.
        double largestBatch = largestSubmitBatch(burstApi);
        system.restartRedis();

        assertThat(largestBatch).as("largest submit batch").isGreaterThan(1);
        assertThat(refusals).as("refusals by status, type and Retry-After")
                .containsKey("503 queue-unavailable with Retry-After")
                .allSatisfy((answer, count) -> assertThat(answer).startsWith("503 ").endsWith(" with Retry-After"));
        awaitAllFinal(new ArrayList<>(accepted));
        long rowsOfBurst = system.ledger().count("SELECT count(*) FROM tasks WHERE input->>'message' = '" + burst + "'");
        assertThat(rowsOfBurst).as("rows of the burst, against %d answered 202", accepted.size()).isEqualTo(accepted.size());
    }

    private static double largestSubmitBatch(TaskgateClient api) {
        String metrics = api.get("/q/metrics").body();
        return metrics.lines().filter(line -> line.startsWith("taskgate_submit_batch_size_max"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).max().orElse(0);
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
