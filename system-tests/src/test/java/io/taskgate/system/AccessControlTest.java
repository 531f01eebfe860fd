package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on two api instances: neither reaches the other's tasks over REST or the
 * WebSocket, an unauthenticated upgrade is refused, and a key revoked on one instance stops
 * working on the other within a second.
 */
class AccessControlTest {

    private static RunningSystem system;
    private static TaskgateClient first;
    private static TaskgateClient second;
    private static TaskgateClient alphaOnFirst;
    private static TaskgateClient alphaOnSecond;
    private static TaskgateClient betaOnSecond;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("access-control");
        first = system.startApi("api-1");
        second = system.startApi("api-2");
        system.startWorker("worker-1");
        String alpha = system.issueKey(first, "alpha", "submit", "read");
        String beta = system.issueKey(first, "beta", "submit", "read");
        alphaOnFirst = first.withKey(alpha);
        alphaOnSecond = second.withKey(alpha);
        betaOnSecond = second.withKey(beta);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aTenantSeesNoneOfAnothersTasksOverRestOrTheSocket() {
        List<String> alphaTasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alphaTasks.add(alphaOnFirst.submit("echo", "{\"message\":" + i + ",\"delayMs\":1500,\"steps\":3}")
                    .get("id").asText());
        }
        String betaTicket = betaOnSecond.post("/api/v1/ws-tickets", "").json().get("ticket").asText();
        try (SocketClient alphaSocket = alphaOnSecond.openSocket(); SocketClient betaSocket = betaOnSecond.openSocket();
                SocketClient betaTicketed = first.openSocketWithTicket(betaTicket)) {
            alphaSocket.subscribe(alphaTasks.toArray(String[]::new));
            betaSocket.subscribe(alphaTasks.toArray(String[]::new));
            betaTicketed.subscribe(alphaTasks.toArray(String[]::new));
            // Resuming names no one else's task either.
            betaTicketed.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + alphaTasks.get(0) + "\"],\"resume\":{\""
                    + alphaTasks.get(0) + "\":{\"seq\":1}}}");

            for (String id : alphaTasks) {
                assertThat(betaOnSecond.get("/api/v1/tasks/" + id).status()).isEqualTo(404);
                assertThat(betaOnSecond.post("/api/v1/tasks/" + id + "/cancel", "").status()).isEqualTo(404);
            }
            assertThat(betaOnSecond.get("/api/v1/tasks?limit=200").json().get("items")).isEmpty();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(alphaTasks).allSatisfy(id ->
                    assertThat(alphaOnFirst.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
            List<JsonNode> alphaSaw = alphaSocket.until(message -> "status".equals(message.path("type").asText())
                    && alphaTasks.get(alphaTasks.size() - 1).equals(message.path("taskId").asText())
                    && "SUCCEEDED".equals(message.at("/task/status").asText()), Duration.ofSeconds(30));
            assertThat(alphaSaw).anySatisfy(message -> assertThat(message.path("type").asText()).isEqualTo("progress"));

            List<JsonNode> betaSaw = betaSocket.drain();
            assertThat(betaSaw).as("what the other tenant's socket received").hasSize(alphaTasks.size())
                    .allSatisfy(message -> assertThat(message.path("code").asText()).isEqualTo("TASK_NOT_FOUND"));
            List<JsonNode> betaTicketSaw = betaTicketed.drain();
            assertThat(betaTicketSaw).as("what the other tenant's ticketed socket received").hasSize(alphaTasks.size() + 1)
                    .allSatisfy(message -> assertThat(message.path("code").asText()).isEqualTo("TASK_NOT_FOUND"));
        }
        List<String> alphaListed = new ArrayList<>();
        alphaOnFirst.get("/api/v1/tasks?limit=200").json().get("items").forEach(task -> {
            assertThat(task.get("tenantId").asText()).isEqualTo("alpha");
            alphaListed.add(task.get("id").asText());
        });
        assertThat(alphaListed).containsAll(alphaTasks);
    }

    @Test
    void anUpgradeWithoutAValidKeyIsRefused() {
        assertThatThrownBy(() -> first.withKey(null).openSocket()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(401));
        assertThatThrownBy(() -> first.withKey("tgk_" + "x".repeat(43)).openSocket())
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
        String submitOnly = system.issueKey(first, "alpha", "submit");
        assertThatThrownBy(() -> first.withKey(submitOnly).openSocket())
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(403));
    }

    @Test
    void aBrowserOpensTheSocketWithASingleUseTicketOnAnyInstance() {
        String id = alphaOnFirst.submit("echo", "{\"message\":\"ticketed\"}").get("id").asText();
        TaskgateClient.Answer issued = alphaOnFirst.post("/api/v1/ws-tickets", "");
        assertThat(issued.status()).isEqualTo(201);
        String ticket = issued.json().get("ticket").asText();

        try (SocketClient socket = second.openSocketWithTicket(ticket)) {
            socket.subscribe(id);
            JsonNode snapshot = socket.next(Duration.ofSeconds(10));
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.at("/task/tenantId").asText()).isEqualTo("alpha");
        }
        assertThatThrownBy(() -> first.openSocketWithTicket(ticket))
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(401));
        assertThat(first.withKey(null).post("/api/v1/ws-tickets", "").status()).isEqualTo(401);

        // A ticket that has expired (Redis drops it after its 30 s; here at once) is refused too.
        String expiring = alphaOnFirst.post("/api/v1/ws-tickets", "").json().get("ticket").asText();
        system.redis().call("PEXPIRE", "taskgate:ws-ticket:" + sha256(expiring), "1");
        assertThatThrownBy(() -> first.openSocketWithTicket(expiring))
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(401));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKeyRevokedOnOneInstanceStopsWorkingOnTheOtherWithinASecond() {
        TaskgateClient operator = first.withKey(system.stack().adminToken());
        JsonNode issued = operator.post("/api/v1/admin/tenants/alpha/api-keys",
                "{\"name\":\"to revoke\",\"roles\":[\"read\"]}").json();
        String key = issued.get("key").asText();
        assertThat(second.withKey(key).get("/api/v1/tasks").status()).isEqualTo(200);

        assertThat(operator.delete("/api/v1/admin/api-keys/" + issued.get("id").asText()).status()).isEqualTo(204);
        assertThat(first.withKey(key).get("/api/v1/tasks").status()).isEqualTo(401);
        // The other instance trusts its last lookup for at most the cache's 1 s.
        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(50))
                .until(() -> second.withKey(key).get("/api/v1/tasks").status() == 401);
    }
}
