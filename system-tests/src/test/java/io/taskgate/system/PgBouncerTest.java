package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both services reach PostgreSQL only through pgbouncer in transaction mode, with far fewer
 * server connections than their pools hold, so consecutive statements of one client connection
 * run on different server connections. Only schema migration (a session-level advisory lock) goes
 * straight to PostgreSQL, as a migration job would.
 */
class PgBouncerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static RunningSystem system;
    private static PgBouncer bouncer;
    private static TaskgateClient api;
    private static TaskgateClient secondApi;
    private static OutcomeLedger ledger;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("pgbouncer");
        bouncer = PgBouncer.start(system.stack().dataDirectory().resolve("pgbouncer"),
                system.stack().postgres().port(), 4);
        Map<String, String> throughBouncer = Map.of(
                "quarkus.datasource.reactive.url", bouncer.reactiveUrl(),
                // Unnamed statements only (no client-side cache of named ones), and one statement in
                // flight per connection: pgbouncer may hand the next one to another server connection.
                "quarkus.datasource.reactive.cache-prepared-statements", "false",
                "quarkus.datasource.reactive.postgresql.use-layer7-proxy", "true",
                "quarkus.datasource.reactive.postgresql.pipelining-limit", "1");
        api = system.startApi("api-1", throughBouncer);
        secondApi = system.startApi("api-2", throughBouncer);
        ledger = system.ledger();
        ledger.install();
        Map<String, String> worker = new HashMap<>(RunningSystem.fastRecovery(throughBouncer));
        worker.put("taskgate.worker.concurrency", "32");
        worker.put("taskgate.worker.policies.flaky.initial-backoff", "200ms");
        system.startWorker("worker-1", worker);
        system.startWorker("worker-2", worker);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Test
    void concurrentSubmitsRetriesCancelsAndReadsAllWorkThroughTransactionPooling() throws Exception {
        long[] before = bouncer.transactionsAndQueries();
        List<String> ids = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> submitted = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                TaskgateClient through = i % 2 == 0 ? api : secondApi;
                String input = "{\"message\":" + i + ",\"steps\":3,\"delayMs\":30}";
                submitted.add(clients.submit(() -> through.submit("echo", input).get("id").asText()));
            }
            for (Future<String> id : submitted) {
                ids.add(id.get());
            }
        } finally {
            clients.shutdown();
        }
        List<String> flaky = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flaky.add(api.submit("flaky", "{\"failAttempts\":2}").get("id").asText());
        }
        String cancelled = api.submit("echo", "{\"delayMs\":60000}").get("id").asText();
        await().atMost(WAIT).until(() -> api.task(cancelled).get("status").asText().equals("RUNNING"));
        assertThat(secondApi.post("/api/v1/tasks/" + cancelled + "/cancel", "").status()).isEqualTo(202);

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ids).allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(flaky).allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(api.task(cancelled).get("status").asText()).isEqualTo("CANCELLED");
        });
        assertThat(flaky).allSatisfy(id -> assertThat(api.task(id).get("attempts").asInt()).isEqualTo(3));
        Map<String, Integer> outcomes = ledger.outcomesPerTask();
        assertThat(ids).allSatisfy(id -> assertThat(outcomes.get(id)).as(id).isEqualTo(1));

        TaskgateClient.Answer page = secondApi.get("/api/v1/tasks?status=SUCCEEDED&type=echo&limit=200");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("items").size()).isEqualTo(200);

        // It was pgbouncer that carried all this, not a way around it.
        long[] after = bouncer.transactionsAndQueries();
        assertThat(after[0] - before[0]).isGreaterThan(ids.size() * 3L);
    }
}
