package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The limits at the front door, on real processes: a rate budget shared by two api instances,
 * a tenant's quota of unfinished tasks, and the ceiling on the whole backlog. Each refusal is
 * its own answer with a Retry-After, and every task that was accepted is run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrontDoorLimitsTest {

    /** The rate-limited tenant's budget: 20 submits per 10 s, so one more every 500 ms after the burst. */
    private static final int QUOTA = 20;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final int UNFINISHED_QUOTA = 5;
    /** The crowded tenant's read budget: 30 reads per 10 s, so one more every 333 ms after the burst. */
    private static final int READ_QUOTA = 30;
    private static final int MAX_BACKLOG = 50;
    private static final Pattern RATE_LIMIT = Pattern.compile("\"submit-per-key\";r=(\\d+);t=(\\d+)");

    private static RunningSystem system;
    private static TaskgateClient first;
    private static TaskgateClient second;
    private static TaskgateClient ceilinged;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("front-door-limits");
        Map<String, String> limits = Map.of(
                "taskgate.api.limits.window", WINDOW.toSeconds() + "s",
                "taskgate.api.limits.tenants.metered.submit-per-key", Integer.toString(QUOTA),
                "taskgate.api.limits.tenants.bounded.max-unfinished", Integer.toString(UNFINISHED_QUOTA),
                "taskgate.api.limits.tenants.crowded.read-per-key", Integer.toString(READ_QUOTA),
                // A burst of cold calls may take longer than the default 250 ms to be counted, and
                // a call not counted in time is let in: these tests are about counting, not that.
                "taskgate.api.limits.redis-timeout", "10s",
                "taskgate.api.admission.quota-refresh", "200ms");
        first = system.startApi("api-1", limits);
        second = system.startApi("api-2", limits);
        ceilinged = system.startApi("api-ceiling", Map.of("taskgate.api.admission.max-backlog",
                Integer.toString(MAX_BACKLOG), "taskgate.api.admission.sample-every", "200ms"));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void oneKeysBudgetHoldsAcrossTwoInstances() throws InterruptedException {
        String key = system.issueKey(first, "metered", "submit", "read");
        List<TaskgateClient> instances = List.of(first.withKey(key), second.withKey(key));
        List<String> accepted = new ArrayList<>();
        List<TaskgateClient.Answer> refused = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 80; i++) {
            TaskgateClient.Answer answer = instances.get(i % 2).post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
            if (answer.status() == 202) {
                accepted.add(answer.json().get("id").asText());
                Matcher remaining = RATE_LIMIT.matcher(answer.header("RateLimit"));
                assertThat(remaining.find()).as("RateLimit header %s", answer.header("RateLimit")).isTrue();
                assertThat(answer.header("RateLimit-Policy")).contains("\"submit-per-key\";q=" + QUOTA + ";w=10");
            } else {
                refused.add(answer);
            }
        }
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        // A burst of the whole quota, then one more per window/quota (500 ms) for as long as the loop ran.
        long refilled = (long) Math.ceil(elapsedSeconds * QUOTA / WINDOW.toSeconds());
        assertThat(accepted.size()).isBetween(QUOTA, (int) (QUOTA + refilled + 1));
        assertThat(refused).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("type").asText()).endsWith("/rate-limited");
            assertThat(answer.json().get("retryable").asBoolean()).isTrue();
            // The next request fits 500 ms after the last accepted one: rounded up, one second.
            assertThat(answer.retryAfter()).isEqualTo("1");
            assertThat(answer.header("RateLimit")).contains("\"submit-per-key\";r=0");
        });

        TaskgateClient.Answer refusedNow;
        do {
            refusedNow = instances.get(0).post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
        } while (refusedNow.status() == 202);
        Thread.sleep(Long.parseLong(refusedNow.retryAfter()) * 1000);
        TaskgateClient.Answer afterWaiting = instances.get(1).post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
        assertThat(afterWaiting.status()).as("after waiting Retry-After, on the other instance").isEqualTo(202);

        // Reads have their own budget: spending the submit budget costs none of it.
        assertThat(instances.get(0).get("/api/v1/tasks?limit=1").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aTenantsUnfinishedQuotaRefusesMoreUntilSomeFinish() {
        TaskgateClient bounded = first.withKey(system.issueKey(first, "bounded", "submit", "read"));
        List<String> accepted = new ArrayList<>();
        List<TaskgateClient.Answer> refused = new ArrayList<>();
        for (int i = 0; i < UNFINISHED_QUOTA + 4; i++) {
            TaskgateClient.Answer answer = bounded.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
            if (answer.status() == 202) {
                accepted.add(answer.json().get("id").asText());
            } else {
                refused.add(answer);
            }
        }
        assertThat(accepted).hasSize(UNFINISHED_QUOTA);
        assertThat(refused).hasSize(4).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.json().get("type").asText()).endsWith("/unfinished-quota-reached");
            assertThat(answer.retryAfter()).isNotNull();
        });
        // Another tenant is not held back by this one's quota.
        assertThat(first.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}").status()).isEqualTo(202);
    }

    @Test
    @Order(3)
    void theBacklogCeilingRefusesWithRetryAfterAndAcceptedWorkStillRuns() {
        List<String> accepted = new ArrayList<>();
        List<TaskgateClient.Answer> refused = new ArrayList<>();
        // The stream already holds what the tests above accepted; no worker has run yet.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            TaskgateClient.Answer answer = ceilinged.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
            if (answer.status() == 202) {
                accepted.add(answer.json().get("id").asText());
                return false;
            }
            refused.add(answer);
            return true;
        });
        assertThat(accepted).as("accepted before the ceiling").isNotEmpty();
        long queued = system.redis().length("taskgate:tasks");
        assertThat(queued).as("stream length when refused").isBetween((long) MAX_BACKLOG, MAX_BACKLOG + 2L);
        TaskgateClient.Answer answer = refused.get(0);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("type").asText()).endsWith("/backlog-full");
        assertThat(answer.json().get("retryable").asBoolean()).isTrue();
        // No worker drains the stream: the longest wait the api gives.
        assertThat(answer.retryAfter()).isEqualTo("60");

        system.startWorker("worker-1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(accepted).allSatisfy(id ->
                assertThat(ceilinged.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));

        // Once drained, the quota-bound tenant and the ceilinged instance accept work again.
        TaskgateClient bounded = first.withKey(system.issueKey(first, "bounded", "submit", "read"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(bounded.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}").status()).isEqualTo(202);
            assertThat(ceilinged.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}").status()).isEqualTo(202);
        });
    }

    @Test
    @Order(4)
    void anAddressThatKeepsFailingToAuthenticateIsRefusedAndTheForwardedAddressCounts() throws Exception {
        // Behind a proxy on loopback that the api trusts: the client is the address it forwards.
        TaskgateClient guarded = system.startApi("api-guarded", Map.of(
                "taskgate.api.limits.failed-auth-per-address", "5",
                "taskgate.api.limits.failed-auth-window", "1m",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1"));
        String good = guarded.apiKey();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> list = (client, key) -> {
            try {
                return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(guarded.process().baseUrl() + "/api/v1/tasks?limit=1"))
                        .header("Authorization", "Bearer " + key).header("X-Forwarded-For", client).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        List<Integer> guessing = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            guessing.add(list.apply("203.0.113.7", "tgk_guess" + i).statusCode());
        }
        // Five failures fit the budget; the sixth is the one found over it, and from then on the
        // address is refused before its credentials are looked at.
        assertThat(guessing.subList(0, 6)).containsOnly(401);
        assertThat(guessing.subList(6, 8)).containsOnly(429);
        java.net.http.HttpResponse<String> refused = list.apply("203.0.113.7", good);
        assertThat(refused.statusCode()).as("every credential from the spent address").isEqualTo(429);
        assertThat(refused.body()).contains("too-many-failed-authentications");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        // Another client behind the same proxy is not touched, nor is its good key.
        assertThat(list.apply("203.0.113.8", "tgk_other").statusCode()).isEqualTo(401);
        assertThat(list.apply("203.0.113.8", good).statusCode()).isEqualTo(200);

        // The WebSocket is no way around it: the spent address cannot upgrade either...
        assertThat(upgradeStatus(guarded, "203.0.113.7", good)).isEqualTo(429);
        // ...and guesses sent as upgrades are counted like any others.
        for (int i = 0; i < 6; i++) {
            assertThat(upgradeStatus(guarded, "203.0.113.9", "tgk_socket_guess" + i)).isEqualTo(401);
        }
        assertThat(list.apply("203.0.113.9", good).statusCode()).isEqualTo(429);
    }

    /** The status a WebSocket upgrade is answered with (101 when it was let through). */
    private static int upgradeStatus(TaskgateClient api, String client, String key) {
        try {
            java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + key).header("X-Forwarded-For", client)
                    .buildAsync(api.webSocketUri(), new java.net.http.WebSocket.Listener() { })
                    .join().abort();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    @Order(5)
    void concurrentCallsOfOneKeyAreCountedOneByOne() throws Exception {
        String key = system.issueKey(first, "crowded", "submit", "read");
        String id = first.withKey(key).submit("echo", "{}").get("id").asText();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> calls = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 4 * READ_QUOTA; i++) {
            TaskgateClient instance = i % 2 == 0 ? first : second;
            calls.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            instance.process().baseUrl() + "/api/v1/tasks/" + id))
                    .header("Authorization", "Bearer " + key).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var call : calls) {
            statuses.add(call.get().statusCode());
        }
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        // Calls that arrive together are counted together, yet exactly as if one after the other:
        // the burst of the whole budget, plus one per 333 ms the calls took, and no more.
        long ok = statuses.stream().filter(status -> status == 200).count();
        long refilled = (long) Math.ceil(elapsedSeconds * READ_QUOTA / WINDOW.toSeconds());
        assertThat(ok).isBetween((long) READ_QUOTA, READ_QUOTA + refilled + 1);
        assertThat(statuses).containsOnly(200, 429);
    }
}
