package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accepted means durable: under a steady stream of submissions, Redis is killed with SIGKILL and
 * restarted on its data, then every PostgreSQL backend is killed with SIGKILL (the postmaster
 * replays its WAL, as after a crash). Every task that was answered 202 must still exist and end
 * SUCCEEDED with exactly one recorded outcome; every refusal meanwhile must be a 503 with
 * Retry-After.
 */
class CrashUnderLoadTest {

    /** Offered load: a submission every 8 ms, about 125 per second, for 24 seconds. */
    private static final long SUBMIT_EVERY_MICROS = 8_000;
    private static final Duration LOAD = Duration.ofSeconds(24);
    private static final Duration REDIS_CRASH_AT = Duration.ofSeconds(6);
    private static final Duration REDIS_DOWN_FOR = Duration.ofSeconds(3);
    private static final Duration POSTGRES_CRASH_AT = Duration.ofSeconds(14);

    private static RunningSystem system;
    private static TaskgateClient api;
    private static OutcomeLedger ledger;

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        system = RunningSystem.start("crash-under-load");
        api = system.startApi("api-1");
        ledger = system.ledger();
        ledger.install();
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "64")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyAcceptedTaskSucceedsExactlyOnceThroughRedisAndPostgresCrashes() throws Exception {
        runLoadWithCrashes();

        assertThat(accepted).as("tasks answered 202").hasSizeGreaterThanOrEqualTo(2000);
        assertThat(refusals).as("answers other than 202 (status and Retry-After)")
                .isNotEmpty()
                .allSatisfy((answer, count) -> assertThat(answer).isEqualTo("503 with Retry-After"));

        // Lost rows never show up again, so wait for the stored tasks to settle, then compare.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> ledger.count(
                "SELECT count(*) FROM tasks WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')") == 0);
        Map<String, String> stored = storedStatuses();
        List<String> lost = accepted.stream().filter(id -> !stored.containsKey(id)).sorted().toList();
        assertThat(lost).as("tasks answered 202 whose rows are gone (%d of %d)", lost.size(), accepted.size())
                .isEmpty();
        Map<String, String> notSucceeded = accepted.stream().filter(id -> !"SUCCEEDED".equals(stored.get(id)))
                .collect(Collectors.toMap(id -> id, stored::get));
        assertThat(notSucceeded).as("accepted tasks that did not succeed").isEmpty();

        Map<String, Integer> outcomes = ledger.outcomesPerTask();
        assertThat(accepted).allSatisfy(id -> assertThat(outcomes.get(id)).as("outcomes of %s", id).isEqualTo(1));
    }

    private void runLoadWithCrashes() throws InterruptedException {
        ExecutorService senders = Executors.newFixedThreadPool(48);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sequence = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> senders.execute(() -> submitOne(sequence.incrementAndGet())),
                0, SUBMIT_EVERY_MICROS, TimeUnit.MICROSECONDS);
        try {
            Thread.sleep(REDIS_CRASH_AT.toMillis());
            system.crashRedis();
            Thread.sleep(REDIS_DOWN_FOR.toMillis());
            system.restartRedis();
            Thread.sleep(POSTGRES_CRASH_AT.minus(REDIS_CRASH_AT).minus(REDIS_DOWN_FOR).toMillis());
            assertThat(system.crashPostgresBackends()).as("PostgreSQL backends killed").isPositive();
            Thread.sleep(LOAD.minus(POSTGRES_CRASH_AT).toMillis());
        } finally {
            pacer.shutdownNow();
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).as("submissions finished").isTrue();
        }
    }

    private void submitOne(int n) {
        String body = "{\"type\":\"echo\",\"input\":{\"message\":" + n + ",\"delayMs\":50}}";
        try {
            TaskgateClient.Answer answer = api.post("/api/v1/tasks", body);
            if (answer.status() == 202) {
                accepted.add(answer.json().get("id").asText());
                return;
            }
            String kind = answer.status() + (answer.retryAfter() == null ? " without Retry-After" : " with Retry-After");
            refusals.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        } catch (RuntimeException e) {
            // A hang or a dropped connection is a fault of its own, never a refusal.
            refusals.computeIfAbsent("no answer: " + e, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static Map<String, String> storedStatuses() throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        try (Connection db = system.stack().postgres().connect(); Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, status FROM tasks")) {
            while (rows.next()) {
                statuses.put(rows.getString(1), rows.getString(2));
            }
        }
        return statuses;
    }
}
