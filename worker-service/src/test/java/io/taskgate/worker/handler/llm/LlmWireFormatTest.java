package io.taskgate.worker.handler.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskgate.worker.handler.TaskFailure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real streaming client against a real HTTP server on loopback that sends exactly the bytes
 * of each case, the way providers send them.
 */
class LlmWireFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";
    private static final String EMPTY_DELTA = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":null}]}";
    private static final String FINISH = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
    private static final String USAGE = "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";
    private static final String DONE = "data: [DONE]";

    private Vertx vertx;
    private HttpServer server;
    private final AtomicReference<Consumer<HttpServerResponse>> reply = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void startServer() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    authorization.set(request.getHeader("Authorization"));
                    reply.get().accept(request.response());
                }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stopServer() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void roleChunkEmptyDeltasFinishUsageAndDoneAreReadAsProvidersSendThem() {
        stream(ROLE, content("Hel"), EMPTY_DELTA, content("lo"), content(" world"), FINISH, USAGE, DONE);
        List<ChatStreamPart> parts = call();
        assertThat(textOf(parts)).isEqualTo("Hello world");
        assertThat(parts).extracting(ChatStreamPart::finishReason).containsOnlyOnce("stop");
        assertThat(parts).filteredOn(p -> p.usage() != null).singleElement()
                .satisfies(p -> assertThat(p.usage().path("total_tokens").asInt()).isEqualTo(12));
        assertThat(authorization.get()).isEqualTo("Bearer test-key");
    }

    @Test
    void crlfLineEndingsAndKeepAliveCommentsAreUnderstood() {
        respond(response -> response.end(String.join("\r\n\r\n", ": keep-alive", ROLE, ": ping", content("a"),
                content("b"), FINISH, DONE) + "\r\n\r\n"));
        assertThat(textOf(call())).isEqualTo("ab");
    }

    @Test
    void bytesArrivingInTinyPiecesMakeTheSameText() {
        String body = String.join("\n\n", ROLE, content("Grüße, "), content("world"), FINISH, DONE) + "\n\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        respond(response -> {
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            for (int i = 0; i < bytes.length; i += 3) {
                response.write(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i,
                        Math.min(bytes.length, i + 3))));
            }
            response.end();
        });
        assertThat(textOf(call())).isEqualTo("Grüße, world");
    }

    @Test
    void errorBodyOfARefusedRequestIsReadIntoTheFailure() {
        respond(response -> response.setStatusCode(400).putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"message\":\"messages is too long\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}"));
        assertThatThrownBy(this::call).isInstanceOfSatisfying(UpstreamHttpException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("messages is too long");
            assertThat(e.type()).isEqualTo("invalid_request_error");
            assertThat(e.code()).isEqualTo("context_length_exceeded");
        });
        TaskFailure failure = UpstreamFailures.toTaskFailure(failureOf(), Duration.ofSeconds(1));
        assertThat(failure.error().code()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(failure.error().retryable()).isFalse();
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        respond(response -> response.setStatusCode(429).putHeader("Retry-After", "2")
                .end("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
        TaskFailure failure = UpstreamFailures.toTaskFailure(failureOf(), Duration.ofSeconds(1));
        assertThat(failure.error().code()).isEqualTo("UPSTREAM_RATE_LIMITED");
        assertThat(failure.error().retryable()).isTrue();
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void serverErrorIsRetryableUnavailability() {
        respond(response -> response.setStatusCode(503).end("upstream overloaded"));
        TaskFailure failure = UpstreamFailures.toTaskFailure(failureOf(), Duration.ofSeconds(1));
        assertThat(failure.error().code()).isEqualTo("UPSTREAM_UNAVAILABLE");
        assertThat(failure.error().retryable()).isTrue();
    }

    @Test
    void errorSentInsideTheStreamFailsTheCall() {
        stream(ROLE, content("partial"), "data: {\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}");
        assertThatThrownBy(this::call).isInstanceOf(UpstreamHttpException.class).hasMessageContaining("model crashed");
    }

    @Test
    void streamCutOffBeforeTheCompletionFinishedIsAProtocolFailure() {
        stream(ROLE, content("half a sen"));
        assertThatThrownBy(this::call).isInstanceOf(UpstreamProtocolException.class);
    }

    @Test
    void silenceLongerThanTheIdleTimeoutFailsWithATimeout() {
        respond(response -> response.setChunked(true).write(ROLE + "\n\n"));
        TaskFailure failure = UpstreamFailures.toTaskFailure(failureOf(), Duration.ofSeconds(1));
        assertThat(failure.error().code()).isEqualTo("UPSTREAM_TIMEOUT");
    }

    private void stream(String... events) {
        respond(response -> response.putHeader("Content-Type", "text/event-stream")
                .end(String.join("\n\n", events) + "\n\n"));
    }

    private void respond(Consumer<HttpServerResponse> answer) {
        reply.set(answer);
    }

    private List<ChatStreamPart> call() {
        LlmStreamClient client = new LlmStreamClient(vertx,
                new TestLlmConfig("http://127.0.0.1:" + server.actualPort(), Duration.ofMillis(800)), JSON);
        ObjectNode body = JSON.createObjectNode().put("model", "m").put("stream", true);
        return client.stream(body).collect().asList().await().atMost(Duration.ofSeconds(10));
    }

    private Throwable failureOf() {
        try {
            call();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was expected to fail");
    }

    private static String content(String text) {
        return "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" + JSON.valueToTree(text) + "},\"finish_reason\":null}]}";
    }

    private static String textOf(List<ChatStreamPart> parts) {
        StringBuilder text = new StringBuilder();
        parts.stream().filter(p -> p.content() != null).forEach(p -> text.append(p.content()));
        return text.toString();
    }
}
