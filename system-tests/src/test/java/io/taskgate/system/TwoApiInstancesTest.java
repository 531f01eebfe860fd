package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events reach subscribers on every api instance, not only the one that accepted the task. */
class TwoApiInstancesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RunningSystem system;
    private static TaskgateClient first;
    private static TaskgateClient second;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("two-apis");
        first = system.startApi("api-1");
        second = system.startApi("api-2");
        system.startWorker("worker-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void bothInstancesPushEveryEventOfATaskSubmittedToOne() {
        try (SocketClient onFirst = first.openSocket();
                SocketClient onSecond = second.openSocket()) {
            String id = first.submit("echo", "{\"message\":\"fan-out\",\"delayMs\":2000,\"steps\":2}").get("id").asText();
            onFirst.subscribe(id);
            onSecond.subscribe(id);

            List<JsonNode> fromFirst = onFirst.until(SubmitToPushTest::isFinal, WAIT);
            List<JsonNode> fromSecond = onSecond.until(SubmitToPushTest::isFinal, WAIT);

            JsonNode lastFirst = fromFirst.get(fromFirst.size() - 1);
            JsonNode lastSecond = fromSecond.get(fromSecond.size() - 1);
            assertThat(lastSecond.at("/task/status").asText()).isEqualTo("SUCCEEDED");
            assertThat(lastSecond.at("/task/result/message").asText()).isEqualTo("fan-out");
            assertThat(lastSecond).isEqualTo(lastFirst);
            // The second instance pushed worker events it never saw submitted: progress came through Redis.
            assertThat(fromSecond).anySatisfy(m -> assertThat(m.get("type").asText()).isEqualTo("progress"));
            assertThat(second.task(id)).isEqualTo(lastSecond.get("task"));
        }
    }
}
