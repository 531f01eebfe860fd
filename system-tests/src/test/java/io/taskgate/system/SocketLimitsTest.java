package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounds of /ws/tasks on a real api process: oversized and overfull frames get an answer,
 * connections beyond a tenant's share and from foreign origins are refused at the upgrade, a
 * client that stops answering pings or stops reading is closed with a code that says why.
 */
class SocketLimitsTest {

    private static final int PER_TENANT = 3;
    private static final String ALLOWED_ORIGIN = "https://app.example";

    private static RunningSystem system;
    private static TaskgateClient api;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("socket-limits");
        api = system.startApi("api-1", Map.of(
                "taskgate.api.sockets.max-connections-per-tenant", Integer.toString(PER_TENANT),
                "taskgate.api.sockets.allowed-origins", ALLOWED_ORIGIN,
                "taskgate.api.sockets.idle-timeout", "2s",
                "taskgate.api.sockets.max-queued-messages", "4",
                "quarkus.websockets-next.server.auto-ping-interval", "500ms"));
        system.startWorker("worker-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void anOversizedFrameIsAnsweredAndClosedWith1009NotDropped() {
        for (int size : new int[] {70_000, 1_048_576, 3_000_000}) {
            try (SocketClient socket = api.openSocket()) {
                socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + "a".repeat(size) + "\"]}");
                JsonNode answer = socket.next(Duration.ofSeconds(10));
                assertThat(answer.get("code").asText()).as("answer to a frame of %d bytes", size).isEqualTo("FRAME_TOO_LARGE");
                await().atMost(Duration.ofSeconds(10)).until(() -> socket.closeCode() != -1);
                assertThat(socket.closeCode()).isEqualTo(1009);
                assertThat(socket.error()).isNull();
            }
        }
        String twentyThousandIds = IntStream.range(0, 20_000).mapToObj(i -> "\"" + UUID.randomUUID() + "\"")
                .collect(Collectors.joining(","));
        try (SocketClient socket = api.openSocket()) {
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[" + twentyThousandIds + "]}");
            assertThat(socket.next(Duration.ofSeconds(10)).get("code").asText()).isEqualTo("FRAME_TOO_LARGE");
        }
    }

    @Test
    void tooManyIdsInOneFrameAreRefusedAndTheSocketStaysUsable() {
        String ids = IntStream.range(0, 101).mapToObj(i -> "\"" + UUID.randomUUID() + "\"")
                .collect(Collectors.joining(","));
        String id = api.submit("echo", "{}").get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.send("{\"op\":\"subscribe\",\"taskIds\":[" + ids + "]}");
            JsonNode refusal = socket.next(Duration.ofSeconds(10));
            assertThat(refusal.get("code").asText()).isEqualTo("BAD_FRAME");
            assertThat(refusal.get("message").asText()).contains("at most 100");
            socket.subscribe(id);
            assertThat(socket.next(Duration.ofSeconds(10)).get("taskId").asText()).isEqualTo(id);
        }
    }

    @Test
    void aTenantsConnectionsBeyondItsShareAreRefusedAtTheUpgradeWith429() {
        String key = system.issueKey(api, "crowded", "read");
        List<SocketClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_TENANT; i++) {
                open.add(SocketClient.connect(api.webSocketUri(), key));
            }
            assertThatThrownBy(() -> SocketClient.connect(api.webSocketUri(), key))
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(429));
            // Another tenant still gets in.
            try (SocketClient other = api.openSocket()) {
                assertThat(other.closedByServer()).isFalse();
            }
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> open.add(SocketClient.connect(api.webSocketUri(), key)));
        } finally {
            open.forEach(SocketClient::close);
        }
    }

    @Test
    void aPageFromAnotherOriginIsRefusedAtTheUpgrade() {
        assertThatThrownBy(() -> SocketClient.connect(api.webSocketUri(), api.apiKey(), "https://evil.example"))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
        try (SocketClient allowed = SocketClient.connect(api.webSocketUri(), api.apiKey(), ALLOWED_ORIGIN)) {
            assertThat(allowed.closedByServer()).isFalse();
        }
    }

    @Test
    void aClientThatAnswersNoPingIsClosedAsIdle() {
        try (RawSocket silent = RawSocket.connect(api.webSocketUri(), api.apiKey())) {
            assertThat(silent.readUntilClose(Duration.ofSeconds(15))).isEqualTo(1000);
        }
        // The JDK client answers pings: it stays open past the same timeout.
        try (SocketClient answering = api.openSocket()) {
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> !answering.closedByServer());
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013() throws InterruptedException {
        // Echoed results of 400 KB each, so snapshots of that size: far more than the socket
        // buffers hold for a client that does not read.
        String big = "x".repeat(400_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(api.submit("echo", "{\"message\":\"" + big + "\"}").get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ids).allSatisfy(id ->
                assertThat(api.task(id).get("status").asText()).isEqualTo("SUCCEEDED")));
        try (RawSocket stalled = RawSocket.connect(api.webSocketUri(), api.apiKey())) {
            stalled.sendText("{\"op\":\"subscribe\",\"taskIds\":[\"" + String.join("\",\"", ids) + "\"]}");
            // It keeps talking (so it is not idle) but reads nothing.
            for (int i = 0; i < 15; i++) {
                Thread.sleep(300);
                stalled.sendText("{\"op\":\"unsubscribe\",\"taskIds\":[\"" + UUID.randomUUID() + "\"]}");
            }
            assertThat(stalled.readUntilClose(Duration.ofSeconds(30))).isEqualTo(1013);
        }
    }
}
