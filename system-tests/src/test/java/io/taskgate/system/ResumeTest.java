package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that loses its socket mid-task — mid-LLM-answer included — reconnects to another api
 * instance with what it has seen and ends with every change and every piece of output exactly
 * once, as if it had never been away.
 */
class ResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}";

    private static RunningSystem system;
    private static TaskgateClient first;
    private static TaskgateClient second;
    private static SimulatorControl simulator;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("resume");
        first = system.startApi("api-1");
        second = system.startApi("api-2");
        simulator = system.startLlmSimulator();
        system.startWorker("worker-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aClientResumingMidAnswerGetsEveryPieceAndChangeExactlyOnce() throws InterruptedException {
        simulator.configure("{\"firstTokenMs\":100,\"tokensPerSecond\":20,\"replyTokens\":60,\"errorRate\":0,"
                + "\"rateLimitRate\":0,\"badRequestRate\":0,\"hangRate\":0}");
        String id = first.submit("llm.chat", CHAT).get("id").asText();
        List<JsonNode> before;
        try (SocketClient socket = first.openSocket()) {
            socket.subscribe(id);
            before = new ArrayList<>(socket.until(m -> isOutput(m) && m.get("outputIndex").asInt() >= 5, WAIT));
            before.addAll(socket.drain());
        }
        // Away while the answer goes on.
        Thread.sleep(700);
        JsonNode lastOutput = before.stream().filter(ResumeTest::isOutput).reduce((a, b) -> b).orElseThrow();
        long lastSeq = before.stream().mapToLong(m -> m.get("seq").asLong()).max().orElseThrow();
        List<JsonNode> after;
        try (SocketClient socket = second.openSocket()) {
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + id + "\"],\"resume\":{\"" + id + "\":{\"seq\":" + lastSeq
                    + ",\"attempt\":" + lastOutput.at("/task/attempts").asInt() + ",\"outputIndex\":"
                    + lastOutput.get("outputIndex").asInt() + "}}}");
            after = socket.until(SubmitToPushTest::isFinal, WAIT);
        }

        assertThat(after).as("nothing already seen comes again").noneMatch(m -> m.get("type").asText().equals("snapshot"));
        List<JsonNode> all = new ArrayList<>(before);
        all.addAll(after);
        List<JsonNode> outputs = all.stream().filter(ResumeTest::isOutput).toList();
        assertThat(outputs).extracting(m -> m.get("outputIndex").asInt())
                .containsExactlyElementsOf(IntStream.range(0, outputs.size()).boxed().toList());
        String text = outputs.stream().map(m -> m.get("output").asText()).collect(Collectors.joining());
        JsonNode finalView = after.get(after.size() - 1).get("task");
        assertThat(text).isEqualTo(finalView.at("/result/text").asText());
        List<Long> changes = all.stream().filter(m -> !isOutput(m)).map(m -> m.get("seq").asLong()).toList();
        assertThat(changes).as("each stored change once, in order").isSorted().doesNotHaveDuplicates();
        assertThat(changes.get(changes.size() - 1)).isEqualTo(finalView.get("seq").asLong());
    }

    @Test
    void aClientThatMissedChangesGetsTheCurrentStateAndThenTheRest() throws InterruptedException {
        String id = first.submit("echo", "{\"message\":\"steps\",\"delayMs\":3000,\"steps\":6}").get("id").asText();
        List<JsonNode> before;
        try (SocketClient socket = first.openSocket()) {
            socket.subscribe(id);
            before = socket.until(m -> m.get("type").asText().equals("progress"), WAIT);
        }
        long lastSeq = before.get(before.size() - 1).get("seq").asLong();
        Thread.sleep(1_200);
        List<JsonNode> after;
        try (SocketClient socket = second.openSocket()) {
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + id + "\"],\"resume\":{\"" + id + "\":{\"seq\":"
                    + lastSeq + "}}}");
            after = socket.until(SubmitToPushTest::isFinal, WAIT);
        }
        // Changes made while away come as one snapshot of the state they led to; none is repeated.
        assertThat(after.get(0).get("type").asText()).isEqualTo("snapshot");
        assertThat(after.get(0).get("seq").asLong()).isGreaterThan(lastSeq);
        List<Long> seqs = new ArrayList<>();
        before.forEach(m -> seqs.add(m.get("seq").asLong()));
        after.forEach(m -> seqs.add(m.get("seq").asLong()));
        assertThat(seqs).isSorted().doesNotHaveDuplicates();

        // Resuming a finished task the client has seen to the end sends nothing at all.
        long finalSeq = after.get(after.size() - 1).get("seq").asLong();
        try (SocketClient socket = first.openSocket()) {
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + id + "\"],\"resume\":{\"" + id + "\":{\"seq\":"
                    + finalSeq + "}}}");
            socket.subscribe(id);
            Thread.sleep(500);
            assertThat(socket.drain()).isEmpty();
        }
    }

    @Test
    void aResumePointThatCannotBeRightIsRefusedSayingWhy() {
        String id = first.submit("echo", "{}").get("id").asText();
        try (SocketClient socket = first.openSocket()) {
            for (String resume : List.of("{\"" + id + "\":{\"seq\":-1}}", "{\"" + id + "\":{\"seq\":1,\"attempt\":1}}",
                    "{\"" + id + "\":null}", "{\"0190f3c2-0000-7000-8000-000000000000\":{\"seq\":1}}",
                    "{\"not-an-id\":{\"seq\":1}}", "{\"" + id + "\":{\"seq\":\"x\"}}")) {
                socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + id + "\"],\"resume\":" + resume + "}");
                JsonNode answer = socket.next(Duration.ofSeconds(10));
                assertThat(answer.get("code").asText()).as("answer to %s", resume).isEqualTo("BAD_FRAME");
            }
        }
    }

    private static boolean isOutput(JsonNode message) {
        return message.get("type").asText().equals("output");
    }
}
