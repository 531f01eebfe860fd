package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A task's whole path: POST, the stream, a worker process, PostgreSQL, and the push to a browser-like socket. */
class SubmitToPushTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("push");
        api = system.startApi("api-1");
        system.startWorker("worker-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void subscriberGetsSnapshotThenProgressThenTheFinalViewWithTheEchoedMessage() {
        String message = "{\"text\":\"hello\",\"numbers\":[1,2,3]}";
        JsonNode accepted = api.submit("echo", "{\"message\":" + message + ",\"delayMs\":1500,\"steps\":3}");
        String id = accepted.get("id").asText();
        assertThat(accepted.get("status").asText()).isEqualTo("QUEUED");

        List<JsonNode> pushed;
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
        }

        JsonNode snapshot = pushed.get(0);
        assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
        assertThat(snapshot.get("taskId").asText()).isEqualTo(id);
        assertThat(pushed).extracting(m -> m.get("taskId").asText()).containsOnly(id);
        // Every change is numbered; a subscriber sees a gap-free, rising run of them.
        List<Long> seqs = pushed.stream().map(m -> m.get("seq").asLong()).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq after %s", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) + 1);
        }
        assertThat(pushed).anySatisfy(m -> assertThat(m.get("type").asText()).isEqualTo("progress"));

        JsonNode last = pushed.get(pushed.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("status");
        assertThat(last.at("/task/status").asText()).isEqualTo("SUCCEEDED");
        assertThat(last.at("/task/result/message")).isEqualTo(TaskgateClient.JSON.valueToTree(readJson(message)));
        assertThat(last.at("/task/progress").asDouble()).isEqualTo(1.0);

        // Polling is the fallback: it must show exactly what was pushed last.
        assertThat(api.task(id)).isEqualTo(last.get("task"));
    }

    @Test
    void everyProgressStepIsPushedInOrder() {
        String id = api.submit("echo", "{\"message\":\"steps\",\"delayMs\":4000,\"steps\":4}").get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            List<JsonNode> pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
            List<Double> progress = pushed.stream()
                    .filter(m -> m.get("type").asText().equals("progress"))
                    .map(m -> m.at("/task/progress").asDouble())
                    .toList();
            // The first step is a second away, far longer than subscribing takes, so none is missed.
            assertThat(progress).containsExactly(0.25, 0.5, 0.75, 1.0);
        }
    }

    @Test
    void badFramesAreAnsweredWithErrorsAndTheSocketStaysUsable() {
        String id = api.submit("echo", "{\"message\":\"after errors\"}").get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.send("this is not json");
            assertThat(socket.next(WAIT).get("code").asText()).isEqualTo("BAD_FRAME");
            socket.send("{\"op\":\"dance\",\"taskIds\":[\"" + id + "\"]}");
            assertThat(socket.next(WAIT).get("code").asText()).isEqualTo("BAD_FRAME");
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"not-a-uuid\"]}");
            assertThat(socket.next(WAIT).get("code").asText()).isEqualTo("BAD_FRAME");
            socket.subscribe("00000000-0000-7000-8000-000000000000");
            JsonNode missing = socket.next(WAIT);
            assertThat(missing.get("code").asText()).isEqualTo("TASK_NOT_FOUND");
            assertThat(missing.get("taskId").asText()).isEqualTo("00000000-0000-7000-8000-000000000000");

            socket.subscribe(id);
            JsonNode snapshot = socket.next(WAIT);
            assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.get("taskId").asText()).isEqualTo(id);
            assertThat(socket.closedByServer()).isFalse();
        }
    }

    @Test
    void unsubscribedTaskIsNoLongerPushed() {
        String slow = api.submit("echo", "{\"delayMs\":1500,\"steps\":3}").get("id").asText();
        String marker = api.submit("echo", "{\"delayMs\":2500}").get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(slow);
            assertThat(socket.next(WAIT).get("type").asText()).isEqualTo("snapshot");
            socket.send("{\"op\":\"unsubscribe\",\"taskIds\":[\"" + slow + "\"]}");
            socket.subscribe(marker);
            // Everything up to the marker's end: nothing about the unsubscribed task after its removal.
            List<JsonNode> pushed = socket.until(m -> m.get("taskId").asText().equals(marker) && isFinal(m), WAIT);
            List<JsonNode> afterSnapshot = pushed.subList(pushed.indexOf(pushed.stream()
                    .filter(m -> m.get("taskId").asText().equals(marker)).findFirst().orElseThrow()), pushed.size());
            assertThat(afterSnapshot).extracting(m -> m.get("taskId").asText()).containsOnly(marker);
        }
    }

    static boolean isFinal(JsonNode message) {
        String status = message.at("/task/status").asText();
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
    }

    private static JsonNode readJson(String text) {
        try {
            return TaskgateClient.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
