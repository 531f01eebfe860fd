package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A type with its own concurrency limit never runs more attempts at once on a worker than the
 * limit, however many slots the worker has, and still uses all of the limit.
 */
class TypeConcurrencyLimitTest {

    private static final int LIMIT = 2;
    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("type-limit");
        api = system.startApi("api-1");
        system.startWorker("worker-1", Map.of("taskgate.worker.concurrency", "32",
                "taskgate.worker.policies.\"echo\".max-concurrency", String.valueOf(LIMIT)));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aLimitedTypeRunsAtMostItsLimitAtOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(api.submit("echo", "{\"message\":" + i + ",\"delayMs\":300}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));

        List<JsonNode> tasks = ids.stream().map(api::task).toList();
        assertThat(tasks).allSatisfy(task -> assertThat(task.get("attempts").asInt()).isEqualTo(1));
        assertThat(mostRunningAtOnce(tasks)).isEqualTo(LIMIT);
    }

    /** The most attempts whose [startedAt, finishedAt] overlap; an end and a start at one instant do not. */
    private static int mostRunningAtOnce(List<JsonNode> tasks) {
        record Edge(Instant at, int change) {
        }
        List<Edge> edges = new ArrayList<>();
        for (JsonNode task : tasks) {
            edges.add(new Edge(Instant.parse(task.get("startedAt").asText()), 1));
            edges.add(new Edge(Instant.parse(task.get("finishedAt").asText()), -1));
        }
        edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::change));
        int running = 0;
        int most = 0;
        for (Edge edge : edges) {
            running += edge.change();
            most = Math.max(most, running);
        }
        return most;
    }
}
