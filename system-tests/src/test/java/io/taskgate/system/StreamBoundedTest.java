package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgate.local.RedisCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Acknowledged entries are trimmed while work goes on, so the stream never holds the whole history. */
class StreamBoundedTest {

    private static final int TASKS = 10_000;

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("bounded");
        // Sixteen clients submitting back to back outrun the default per-key budget on a fast
        // machine; this test is about trimming, so its budgets stay out of the way.
        api = system.startApi("api-1", Map.of("taskgate.api.limits.submit-per-key", "100000000",
                "taskgate.api.limits.submit-per-tenant", "100000000"));
        system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "64")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void streamLengthStaysBoundedOverTenThousandTasks() throws Exception {
        RedisCommands redis = system.redis();
        OutcomeLedger db = system.ledger();
        AtomicLong mostDone = new AtomicLong();
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger left = new AtomicInteger(TASKS);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        Future<?>[] running = new Future<?>[16];
        for (int i = 0; i < running.length; i++) {
            running[i] = clients.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    api.submit("echo", "{\"message\":\"x\"}");
                    submitted.incrementAndGet();
                }
                return null;
            });
        }
        while (left.get() > 0) {
            // Entries still needed are those not yet picked up (tasks still QUEUED); the rest of
            // the stream is picked-up history that the trimmer should be removing as it goes.
            long length = redis.length("taskgate:tasks");
            long waiting = db.count("SELECT count(*) FROM tasks WHERE status = 'QUEUED'");
            mostDone.accumulateAndGet(length - waiting, Math::max);
            Thread.sleep(250);
        }
        for (Future<?> client : running) {
            client.get();
        }
        clients.shutdown();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                system.ledger().count("SELECT count(*) FROM tasks WHERE status = 'SUCCEEDED'") == TASKS);
        // Once everything is acknowledged, the trimmer leaves (almost) nothing behind.
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.length("taskgate:tasks") <= 1);
        // Trimming runs every second, so picked-up history stays around a second's worth of
        // entries; without trimming it would reach all ten thousand.
        assertThat(mostDone.get()).as("most picked-up entries left in the stream while submitting")
                .isLessThan(TASKS / 2);
    }
}
