package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system on a three-master Redis Cluster: every script and every pair of keys used
 * together must sit in one slot, or Redis answers CROSSSLOT. Retries (a script moving entries
 * from the retry set onto the stream), rate limits (one script charging a key's and a tenant's
 * budget), tickets, pub/sub pushes, output replay and breaker reports all run here.
 */
class RedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";

    private static RunningSystem system;
    private static RedisCluster cluster;
    private static TaskgateClient api;
    private static io.taskgate.local.ServiceProcess worker;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("redis-cluster");
        cluster = RedisCluster.start(system.stack().dataDirectory().resolve("cluster"), 3);
        Map<String, String> onCluster = Map.of(
                "quarkus.redis.client-type", "cluster",
                "quarkus.redis.hosts", cluster.hosts());
        api = system.startApi("api-1", onCluster);
        system.startLlmSimulator();
        Map<String, String> settings = new HashMap<>(RunningSystem.fastRecovery(onCluster));
        settings.put("taskgate.worker.policies.flaky.initial-backoff", "200ms");
        settings.put("taskgate.worker.policies.flaky.jitter", "0");
        // The sweeper would re-queue a retry whose move failed and hide the failure: keep it out of reach.
        settings.put("taskgate.worker.sweeper.requeue-after", "10m");
        worker = system.startWorker("worker-1", settings);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void tasksRetriesLimitsAndPushesAllWorkOnACluster() throws Exception {
        String ticket = api.post("/api/v1/ws-tickets", "").json().get("ticket").asText();
        try (SocketClient socket = api.openSocketWithTicket(ticket)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TaskgateClient.Answer accepted = api.post("/api/v1/tasks",
                        "{\"type\":\"echo\",\"input\":{\"message\":" + i + ",\"steps\":2,\"delayMs\":100}}");
                assertThat(accepted.status()).isEqualTo(202);
                // The rate-limit script ran: it charges the key's and the tenant's budget in one call.
                assertThat(accepted.header("RateLimit")).isNotNull();
                ids.add(accepted.json().get("id").asText());
            }
            // Each fails twice, so each goes through the retry set and back onto the stream.
            for (int i = 0; i < 3; i++) {
                ids.add(api.submit("flaky", "{\"failAttempts\":2}").get("id").asText());
            }
            ids.add(api.submit("llm.chat", CHAT).get("id").asText());
            socket.subscribe(ids.toArray(String[]::new));

            Set<String> finished = new HashSet<>();
            socket.until(event -> {
                if (SubmitToPushTest.isFinal(event)) {
                    finished.add(event.get("taskId").asText());
                }
                return finished.size() == ids.size();
            }, WAIT);

            for (String id : ids) {
                JsonNode task = api.task(id);
                assertThat(task.get("status").asText()).as(id).isEqualTo("SUCCEEDED");
            }
            assertThat(ids.subList(20, 23)).allSatisfy(id -> assertThat(api.task(id).get("attempts").asInt()).isEqualTo(3));
        }
        // No background loop (retry mover, trimmer, sweeper, announcer, breaker reports) failed a round.
        assertThat(metricsOf(worker).lines()
                .filter(line -> line.startsWith("taskgate_background_failures_total{")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).endsWith(" 0.0"));
    }

    @Test
    void theKeysOfEachScriptShareASlotWhileTheKeyspaceSpreadsOverTheNodes() {
        assertThat(cluster.call("CLUSTER", "KEYSLOT", "{taskgate:tasks}:retries"))
                .isEqualTo(cluster.call("CLUSTER", "KEYSLOT", "taskgate:tasks"));
        assertThat(cluster.call("CLUSTER", "KEYSLOT", "taskgate:rate:{default}:submit:key:abc"))
                .isEqualTo(cluster.call("CLUSTER", "KEYSLOT", "taskgate:rate:{default}:submit:tenant"));
        // What the system wrote is spread over the nodes, so the run above crossed nodes for real.
        await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.keysPerNode().values())
                .filteredOn(count -> count > 0).hasSizeGreaterThanOrEqualTo(2));
    }

    @Test
    void breakerReportsAreReadWithoutAKeyspaceScan() {
        await().atMost(WAIT).untilAsserted(() -> {
            TaskgateClient.Answer breakers = api.get("/api/v1/health/circuit-breakers");
            assertThat(breakers.status()).isEqualTo(200);
            assertThat(breakers.json().get("workers").asInt()).isEqualTo(1);
        });
    }

    private static String metricsOf(io.taskgate.local.ServiceProcess service) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
