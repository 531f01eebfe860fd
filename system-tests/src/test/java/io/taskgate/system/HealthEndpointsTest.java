package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.taskgate.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fleet health endpoints, each checked against the condition it reports. */
class HealthEndpointsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private RunningSystem system;
    private TaskgateClient api;
    private TaskgateClient operator;

    @BeforeEach
    void start() {
        system = RunningSystem.start("health");
        api = system.startApi("api-1", Map.of("quarkus.datasource.reactive.max-size", "8"));
        operator = api.withKey(system.stack().adminToken());
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aWorkerIsListedWithItsLoadAndTurnsGoneWhenKilled() {
        ServiceProcess worker = system.startWorker("worker-1", Map.of("taskgate.worker.report-every", "1s"));

        JsonNode listed = await().atMost(WAIT).until(() -> workers(api), health -> health.path("alive").asInt() == 1);
        JsonNode member = listed.at("/workers/0");
        assertThat(listed.path("status").asText()).isEqualTo("healthy");
        assertThat(member.path("state").asText()).isEqualTo("alive");
        assertThat(member.at("/report/concurrency").asInt()).isEqualTo(256);
        assertThat(member.at("/report/goneAfterSeconds").asLong()).isEqualTo(3);
        assertThat(member.at("/report/handlerTypes")).extracting(JsonNode::asText).contains("echo", "llm.chat");
        assertThat(member.at("/report/resources/rssBytes").asLong()).isPositive();
        assertThat(member.at("/report/pools")).extracting(pool -> pool.path("name").asText())
                .containsExactly("postgresql", "redis");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + "}").get("id").asText());
        }
        ids.add(api.submit("echo", "{\"message\":\"slow\",\"delayMs\":60000}").get("id").asText());
        // The slow one is still running when the counts are read: five done, one in flight.
        JsonNode loaded = await().atMost(WAIT).until(() -> workers(api).at("/workers/0/report"),
                report -> report.path("processed").asLong() == 5 && report.path("inFlight").asInt() == 1);
        assertThat(loaded.path("failed").asLong()).isZero();

        worker.kill();

        // Gone within its own 3 s (plus the report interval and the time to ask), not dropped.
        JsonNode gone = await().atMost(Duration.ofSeconds(20)).until(() -> workers(operator),
                health -> health.path("gone").asInt() == 1);
        assertThat(gone.path("status").asText()).isEqualTo("down");
        assertThat(gone.path("alive").asInt()).isZero();
        assertThat(gone.at("/workers/0/state").asText()).isEqualTo("gone");
        assertThat(gone.at("/workers/0/lastSeenSecondsAgo").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aWorkerStoppedInOrderLeavesTheList() {
        ServiceProcess worker = system.startWorker("worker-1", Map.of("taskgate.worker.report-every", "1s"));
        await().atMost(WAIT).until(() -> workers(api).path("alive").asInt() == 1);

        worker.stop(Duration.ofSeconds(30));

        JsonNode after = workers(api);
        assertThat(after.path("workers")).isEmpty();
        assertThat(after.path("status").asText()).isEqualTo("down");
    }

    @Test
    void poolUseRisesWhileRequestsWaitForTheDatabaseAndFallsBackAfter() throws Exception {
        JsonNode idle = pool(operator, "postgresql");
        assertThat(idle.path("maxSize").asInt()).isEqualTo(8);
        assertThat(idle.path("warning").asBoolean()).isFalse();

        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        try (Connection db = system.stack().postgres().connect(); Statement lock = db.createStatement()) {
            db.setAutoCommit(false);
            // Every list query waits behind this lock, each holding one pooled connection meanwhile.
            lock.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE");
            for (int i = 0; i < 12; i++) {
                waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(api.process().baseUrl() + "/api/v1/tasks"))
                        .header("Authorization", "Bearer " + api.apiKey()).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }

            // Read with the operator's token: checking an api key may itself need a connection.
            JsonNode full = await().atMost(WAIT).until(() -> pool(operator, "postgresql"),
                    pool -> pool.path("inUse").asInt() == 8 && pool.path("waiting").asInt() > 0);
            assertThat(full.path("utilisationPercent").asDouble()).isEqualTo(100.0);
            assertThat(full.path("warning").asBoolean()).isTrue();
            assertThat(operator.get("/api/v1/health/pool").json().path("status").asText()).isEqualTo("warning");
            db.rollback();
        }

        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }
        JsonNode after = await().atMost(WAIT).until(() -> pool(operator, "postgresql"),
                pool -> !pool.path("warning").asBoolean());
        assertThat(after.path("waiting").asInt()).isZero();
    }

    @Test
    void theQueueShowsWaitingAndPendingEntriesGrowingOlderWhileTheWorkerIsPaused() throws Exception {
        // Two slots: two long tasks fill them, three more wait in the stream.
        ServiceProcess worker = system.startWorker("worker-1", Map.of("taskgate.worker.concurrency", "2"));
        for (int i = 0; i < 2; i++) {
            api.submit("echo", "{\"message\":\"long\",\"delayMs\":60000}");
        }
        await().atMost(WAIT).until(() -> queueGroup().path("pending").asInt() == 2);
        for (int i = 0; i < 3; i++) {
            api.submit("echo", "{\"message\":\"waits\"}");
        }
        signal("STOP", worker.pid());
        try {
            JsonNode first = await().atMost(WAIT).until(this::queueGroup, group -> group.path("lag").asInt() == 3);
            assertThat(first.path("group").asText()).isEqualTo("workers");
            assertThat(first.path("lagCapped").asBoolean()).isFalse();
            assertThat(first.path("consumers")).hasSize(1);
            assertThat(first.at("/consumers/0/pending").asInt()).isEqualTo(2);

            long pendingAge = first.path("oldestPendingAgeSeconds").asLong();
            long waitingAge = first.path("oldestWaitingAgeSeconds").asLong();
            JsonNode later = await().atMost(WAIT).until(this::queueGroup,
                    group -> group.path("oldestPendingAgeSeconds").asLong() >= pendingAge + 2
                            && group.path("oldestWaitingAgeSeconds").asLong() >= waitingAge + 2);
            assertThat(later.at("/consumers/0/oldestPendingAgeSeconds").asLong()).isGreaterThanOrEqualTo(pendingAge + 2);
            assertThat(later.path("pending").asInt()).isEqualTo(2);

            JsonNode queue = operator.get("/api/v1/health/queue").json();
            assertThat(queue.path("length").asLong()).isGreaterThanOrEqualTo(5);
            assertThat(queue.path("retriesWaiting").asLong()).isZero();
            assertThat(queue.path("deadLetters").asLong()).isZero();
        } finally {
            signal("CONT", worker.pid());
        }
    }

    @Test
    void theApisOwnResourcesAreReported() {
        JsonNode answer = api.get("/api/v1/health/resources").json();

        assertThat(answer.path("status").asText()).isIn("healthy", "warning");
        JsonNode resources = answer.path("resources");
        assertThat(resources.path("heapUsedBytes").asLong()).isPositive();
        assertThat(resources.path("heapMaxBytes").asLong()).isGreaterThanOrEqualTo(resources.path("heapUsedBytes").asLong());
        assertThat(resources.path("rssBytes").asLong()).isGreaterThan(resources.path("heapUsedBytes").asLong() / 2);
        assertThat(resources.path("threads").asInt()).isPositive();
        assertThat(resources.path("openFileDescriptors").asLong()).isPositive();
        assertThat(resources.path("uptimeSeconds").asLong()).isNotNegative();
    }

    @Test
    void withRedisDownTheHealthReadsAnswerAtOnceAndSayWhy() throws Exception {
        ServiceProcess worker = system.startWorker("worker-1", Map.of("taskgate.worker.report-every", "1s"));
        await().atMost(WAIT).until(() -> workers(api).path("alive").asInt() == 1);

        system.crashRedis();
        try {
            // Neither service claims to be ready without Redis: the worker cannot read its stream.
            await().atMost(WAIT).until(() -> status(worker.baseUrl() + "/q/health/ready") == 503);
            assertThat(status(api.process().baseUrl() + "/q/health/ready")).isEqualTo(503);
            assertThat(status(worker.baseUrl() + "/q/health/live")).isEqualTo(200);
            // The client gives up after 10 s: a hang would fail here, not pass late.
            for (String endpoint : List.of("workers", "circuit-breakers", "queue")) {
                TaskgateClient.Answer answer = operator.get("/api/v1/health/" + endpoint);
                assertThat(answer.status()).as(endpoint).isEqualTo(503);
                assertThat(answer.json().path("type").asText()).as(endpoint).endsWith("redis-unavailable");
                assertThat(answer.retryAfter()).as(endpoint).isNotNull();
            }
            // What this instance knows by itself still answers.
            assertThat(operator.get("/api/v1/health/resources").status()).isEqualTo(200);
            assertThat(operator.get("/api/v1/health/pool").status()).isEqualTo(200);
        } finally {
            system.restartRedis();
        }
        await().atMost(WAIT).until(() -> operator.get("/api/v1/health/workers").status() == 200);
        await().atMost(WAIT).until(() -> status(worker.baseUrl() + "/q/health/ready") == 200);
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aCallerWithoutTheReadRoleIsRefused() {
        String submitOnly = system.issueKey(api, "default", "submit");

        for (String endpoint : List.of("workers", "pool", "resources", "circuit-breakers", "queue", "error-rate")) {
            assertThat(api.withKey(submitOnly).get("/api/v1/health/" + endpoint).status()).as(endpoint).isEqualTo(403);
            assertThat(api.withKey(null).get("/api/v1/health/" + endpoint).status()).as(endpoint).isEqualTo(401);
        }
    }

    /** The workers' group in the queue health answer. */
    private JsonNode queueGroup() {
        TaskgateClient.Answer answer = operator.get("/api/v1/health/queue");
        assertThat(answer.status()).isEqualTo(200);
        for (JsonNode group : answer.json().path("groups")) {
            if (group.path("group").asText().equals("workers")) {
                return group;
            }
        }
        return MissingNode.getInstance();
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + name + " " + pid).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, pid).isZero();
    }

    private static JsonNode workers(TaskgateClient client) {
        TaskgateClient.Answer answer = client.get("/api/v1/health/workers");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode pool(TaskgateClient client, String name) {
        JsonNode pools = client.get("/api/v1/health/pool").json().path("pools");
        return StreamSupport.stream(pools.spliterator(), false)
                .filter(pool -> pool.path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no pool " + name + " in " + pools));
    }
}
