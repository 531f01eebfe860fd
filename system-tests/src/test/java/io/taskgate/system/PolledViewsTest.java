package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Polls answered from the views an api instance holds stay true to the stored task: the api
 * under test keeps views for ten minutes, so every change a poll sees here came through an
 * announcement (the event channel, or the instance's own cancellation), never through expiry.
 */
class PolledViewsTest {

    private static RunningSystem system;
    private static TaskgateClient polled;
    private static TaskgateClient other;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("polled-views");
        polled = system.startApi("api-polled", Map.of("taskgate.api.tasks.view-cache.fresh-for", "10m"));
        other = system.startApi("api-other");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void pollsSeeEveryAnnouncedChangeAndOnlyTheirOwnTenantsTasks() {
        String cancelledHere = polled.submit("echo", "{\"message\":\"a\"}").get("id").asText();
        String cancelledElsewhere = polled.submit("echo", "{\"message\":\"b\"}").get("id").asText();
        String run = polled.submit("echo", "{\"message\":\"c\",\"delayMs\":200}").get("id").asText();
        for (String id : new String[] {cancelledHere, cancelledElsewhere, run}) {
            assertThat(polled.task(id).get("status").asText()).isEqualTo("QUEUED");
        }

        // Another tenant's key is not answered from the held view.
        TaskgateClient stranger = polled.withKey(system.issueKey(polled, "stranger", "read"));
        assertThat(stranger.get("/api/v1/tasks/" + run).status()).isEqualTo(404);

        // Cancelled through this instance: the very next poll here shows it.
        assertThat(polled.post("/api/v1/tasks/" + cancelledHere + "/cancel", "").status()).isEqualTo(200);
        assertThat(polled.task(cancelledHere).get("status").asText()).isEqualTo("CANCELLED");

        // Cancelled through another instance: the event channel brings it here.
        assertThat(other.post("/api/v1/tasks/" + cancelledElsewhere + "/cancel", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(polled.task(cancelledElsewhere).get("status").asText()).isEqualTo("CANCELLED"));

        // Run by a worker: its start and its outcome reach the polls here the same way.
        system.startWorker("worker-1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(polled.task(run).get("status").asText()).isEqualTo("SUCCEEDED"));
        assertThat(polled.task(run).get("result")).isEqualTo(other.task(run).get("result"));
        assertThat(polled.task(run).get("seq").asLong()).isEqualTo(other.task(run).get("seq").asLong());
    }
}
