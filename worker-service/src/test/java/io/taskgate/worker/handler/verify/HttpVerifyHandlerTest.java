package io.taskgate.worker.handler.verify;

import io.taskgate.worker.handler.RecordingTaskContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.subscription.Cancellable;
import io.taskgate.worker.handler.TaskFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskgate.worker.upstream.UpstreamBreakers;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler end to end: real Vert.x HTTP servers on 127.0.0.1, the real client, pool and
 * checks. Names under {@code verify.test} are answered by the test's own lookup; everything else
 * goes to the JVM's resolver.
 */
class HttpVerifyHandlerTest {

    private static final UpstreamBreakers BREAKERS = new UpstreamBreakers(new SimpleMeterRegistry(), transition -> { });

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 16 * 1024;
    private static final String KEY_STORE_PASSWORD = "test-only";

    private static Vertx vertx;

    private HttpServer server;
    private int port;
    private final List<String> served = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final Map<String, InetAddress[]> testNames = new HashMap<>();
    private final List<HttpVerifyHandler> handlers = new ArrayList<>();
    private final RecordingTaskContext context = RecordingTaskContext.waiting();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startServer() throws Exception {
        server = vertx.createHttpServer()
                .connectionHandler(connection -> {
                    connections.incrementAndGet();
                    connection.closeHandler(closed -> closedConnections.incrementAndGet());
                })
                .requestHandler(this::serve);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        port = server.actualPort();
    }

    @AfterEach
    void stopServer() {
        handlers.forEach(HttpVerifyHandler::close);
        server.close().toCompletionStage().toCompletableFuture().join();
    }

    private void serve(HttpServerRequest request) {
        served.add(request.method() + " " + request.uri());
        switch (request.path()) {
            case "/ok" -> json(request, 200, "{\"data\":{\"verified\":true,\"id\":42}}");
            case "/denied" -> json(request, 200, "{\"data\":{\"verified\":false,\"secret\":\"do-not-echo\"}}");
            case "/created" -> json(request, 201, "{}");
            case "/bad-request" -> json(request, 400, "{\"error\":\"bad\"}");
            case "/busy" -> json(request, 503, "{}");
            case "/slow-down" -> json(request, 429, "{}");
            case "/huge" -> streamLargeBody(request);
            case "/huge-declared" -> announceLargeBody(request);
            case "/silent" -> { /* never answers */ }
            case "/to-evil" -> redirect(request, 302, "http://evil.example/steal?token=abc");
            case "/to-ok" -> redirect(request, 302, "/ok");
            case "/loop" -> redirect(request, 302, "/loop");
            case "/to-other-origin" -> redirect(request, 307, "http://other.verify.test:" + port + "/echo");
            case "/echo" -> request.body().onSuccess(body -> json(request, 200, echo(request, body)));
            default -> json(request, 404, "{}");
        }
    }

    @Test
    void verifiesStatusAndTheValueAtTheJsonPointer() {
        JsonNode result = run(handler(),
                input("/ok", "\"expect\":{\"status\":[200],\"jsonPointer\":\"/data/verified\",\"equals\":true}"));

        assertThat(result.get("verified").asBoolean()).isTrue();
        assertThat(result.get("status").asInt()).isEqualTo(200);
        assertThat(result.get("value")).isEqualTo(JSON.getNodeFactory().booleanNode(true));
        assertThat(result.get("elapsedMs").isIntegralNumber()).isTrue();
        assertThat(served).containsExactly("GET /ok");
        // Nothing of the response is pushed to subscribers as partial output.
        assertThat(context.output).isEmpty();
    }

    @Test
    void withoutAPointerTheValueIsNull() {
        JsonNode result = run(handler(), input("/ok", null));
        assertThat(result.get("verified").asBoolean()).isTrue();
        assertThat(result.get("value").isNull()).isTrue();
    }

    @Test
    void aWrongValueFailsVerificationWithoutEchoingTheBody() {
        assertFails(handler(), input("/denied", "\"expect\":{\"jsonPointer\":\"/data/verified\",\"equals\":true}"),
                "VERIFICATION_FAILED", false, "value at /data/verified is false, expected true");
        String whole = "\"expect\":{\"jsonPointer\":\"/data\",\"equals\":true}";
        assertThatThrownBy(() -> run(handler(), input("/denied", whole)))
                .hasMessageNotContaining("do-not-echo");
    }

    @Test
    void aWrongStatusFailsVerification() {
        assertFails(handler(), input("/created", "\"expect\":{\"status\":[200,204]}"),
                "VERIFICATION_FAILED", false, "status 201, expected [200, 204]");
    }

    @Test
    void anExpectedErrorStatusVerifies() {
        JsonNode result = run(handler(), input("/busy", "\"expect\":{\"status\":[503]}"));
        assertThat(result.get("status").asInt()).isEqualTo(503);
    }

    @Test
    void postsTheJsonBodyWithTheCallersHeaders() {
        JsonNode result = run(handler(), input("/echo",
                "\"method\":\"POST\",\"headers\":{\"Authorization\":\"Bearer t0k\"},"
                + "\"body\":{\"id\":7},\"expect\":{\"jsonPointer\":\"\",\"equals\":{\"method\":\"POST\","
                + "\"contentType\":\"application/json\",\"authorization\":\"Bearer t0k\",\"body\":{\"id\":7},"
                + "\"host\":\"127.0.0.1:" + port + "\"}}"));
        assertThat(result.get("verified").asBoolean()).isTrue();
    }

    @Test
    void refusesAHostThatIsNotAllowListed() {
        assertFails(handler(), "{\"url\":\"http://not-listed.example/ok\"}",
                "TARGET_NOT_ALLOWED", false, "host not-listed.example is not in allowed-hosts");
        assertThat(lookups).isEmpty();
    }

    @Test
    void refusesAPrivateLiteralAddressEvenWhenAllowListed() {
        HttpVerifyHandler closed = handler(Map.of("taskgate.verify.allowed-hosts", "10.1.2.3,127.0.0.1",
                "taskgate.verify.allow-private-addresses", "false"));

        assertFails(closed, "{\"url\":\"http://10.1.2.3/ok\"}", "TARGET_NOT_ALLOWED", false,
                "target http://10.1.2.3 not allowed: 10.1.2.3 is a private address");
        assertFails(closed, input("/ok", null), "TARGET_NOT_ALLOWED", false, "127.0.0.1 is a loopback address");
        assertThat(lookups).isEmpty();
        assertThat(connections).hasValue(0);
    }

    @Test
    void refusesAnAllowListedNameThatResolvesToLoopback() {
        HttpVerifyHandler closed = handler(Map.of("taskgate.verify.allowed-hosts", "localhost",
                "taskgate.verify.allow-private-addresses", "false"));

        assertFails(closed, "{\"url\":\"http://localhost:" + port + "/ok\"}", "TARGET_NOT_ALLOWED", false,
                "localhost resolves to a loopback address");
        assertThat(lookups).containsExactly("localhost");
        assertThat(connections).hasValue(0);
    }

    @Test
    void refusesANameWhenAnyOfItsAddressesIsForbidden() throws Exception {
        testNames.put("mixed.verify.test", new InetAddress[] {
            InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.5")});
        HttpVerifyHandler closed = handler(Map.of("taskgate.verify.allowed-hosts", "*.verify.test",
                "taskgate.verify.allow-private-addresses", "false"));

        assertFails(closed, "{\"url\":\"https://mixed.verify.test/ok\"}", "TARGET_NOT_ALLOWED", false,
                "mixed.verify.test resolves to a private address");
    }

    @Test
    void connectsToTheVettedAddressAndSendsTheOriginalHost() throws Exception {
        testNames.put("api.verify.test", new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        HttpVerifyHandler handler = handler(Map.of("taskgate.verify.allowed-hosts", "*.verify.test"));

        JsonNode result = run(handler, "{\"url\":\"http://api.verify.test:" + port + "/echo?q=1\","
                + "\"expect\":{\"jsonPointer\":\"/host\",\"equals\":\"api.verify.test:" + port + "\"}}");

        assertThat(result.get("verified").asBoolean()).isTrue();
        assertThat(lookups).containsExactly("api.verify.test");
        assertThat(served).containsExactly("GET /echo?q=1");
    }

    @Test
    void anHttpsTargetMustPresentACertificateTheWorkerTrusts(@TempDir Path keys) throws Exception {
        Path keyStore = selfSignedKeyStore(keys, "api.verify.test");
        HttpServer tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(
                                new PfxOptions().setPath(keyStore.toString()).setPassword(KEY_STORE_PASSWORD)))
                .requestHandler(this::serve);
        tls.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        testNames.put("api.verify.test", new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        try {
            assertFails(handler(Map.of("taskgate.verify.allowed-hosts", "api.verify.test")),
                    "{\"url\":\"https://api.verify.test:" + tls.actualPort() + "/ok\"}", "UPSTREAM_UNAVAILABLE", true,
                    "TLS with https://api.verify.test:" + tls.actualPort() + " failed");
            assertThat(served).isEmpty();
        } finally {
            tls.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void refusesARedirectToAHostThatIsNotAllowListed() {
        assertFails(handler(), input("/to-evil", null), "TARGET_NOT_ALLOWED", false,
                "redirect to http://evil.example not allowed: host evil.example is not in allowed-hosts");
        assertThat(lookups).isEmpty();
        assertThat(served).containsExactly("GET /to-evil");
    }

    @Test
    void followsARedirectToAnAllowedTarget() {
        JsonNode result = run(handler(), input("/to-ok", "\"expect\":{\"jsonPointer\":\"/data/id\",\"equals\":42}"));

        assertThat(result.get("value").asInt()).isEqualTo(42);
        assertThat(served).containsExactly("GET /to-ok", "GET /ok");
    }

    @Test
    void callerHeadersDoNotFollowARedirectToAnotherOrigin() throws Exception {
        testNames.put("other.verify.test", new InetAddress[] {InetAddress.getByName("127.0.0.1")});
        HttpVerifyHandler handler = handler(Map.of("taskgate.verify.allowed-hosts", "127.0.0.1,other.verify.test"));

        JsonNode result = run(handler, input("/to-other-origin", "\"method\":\"PUT\",\"body\":[1],"
                + "\"headers\":{\"Authorization\":\"Bearer t0k\"},"
                + "\"expect\":{\"jsonPointer\":\"/authorization\",\"equals\":null}"));

        assertThat(result.get("verified").asBoolean()).isTrue();
        assertThat(served).containsExactly("PUT /to-other-origin", "PUT /echo");
    }

    @Test
    void stopsAfterMaxRedirects() {
        assertFails(handler(), input("/loop", null), "VERIFICATION_FAILED", false, "max-redirects (3)");
        assertThat(served).hasSize(4);
    }

    @Test
    void aStreamedBodyOverTheCapIsTooLarge() {
        assertFails(handler(), input("/huge", "\"expect\":{\"jsonPointer\":\"/a\",\"equals\":1}"),
                "RESPONSE_TOO_LARGE", false, "exceeds max-response-bytes (" + MAX_BODY + ")");
    }

    @Test
    void aDeclaredBodyOverTheCapIsTooLargeEvenWithoutAPointer() {
        assertFails(handler(), input("/huge-declared", null), "RESPONSE_TOO_LARGE", false, "max-response-bytes");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        assertFails(handler(), input("/silent", null), "UPSTREAM_TIMEOUT", true, "first-byte-timeout");
    }

    @Test
    void totalTimeoutCoversSlowNameLookups() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpVerifyHandler handler = new HttpVerifyHandler(vertx, config(Map.of("taskgate.verify.allowed-hosts",
                "stuck.verify.test", "taskgate.verify.total-timeout", "300ms")), host -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(host);
                }, BREAKERS);
        handlers.add(handler);
        try {
            assertFails(handler, "{\"url\":\"http://stuck.verify.test/\"}", "UPSTREAM_TIMEOUT", true, "total-timeout");
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancellingTheTaskClosesTheRequest() {
        Cancellable running = handler(Map.of("taskgate.verify.first-byte-timeout", "1m"))
                .handle(json(input("/silent", null)), context)
                .subscribe().with(item -> { }, failure -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> served.contains("GET /silent"));

        running.cancel();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closedConnections).hasValue(1));
    }

    @Test
    void a400IsRejected() {
        assertFails(handler(), input("/bad-request", null), "UPSTREAM_REJECTED", false, "answered 400");
    }

    @Test
    void a503IsUnavailable() {
        assertFails(handler(), input("/busy", null), "UPSTREAM_UNAVAILABLE", true, "answered 503");
    }

    @Test
    void anOriginThatKeepsFailingIsCutOffByItsBreakerWhileVerificationFailuresNeverOpenIt() {
        HttpVerifyHandler handler = handler(Map.of("taskgate.verify.breaker-window", "4",
                "taskgate.verify.breaker-delay", "1m"));
        // Verification failures are answers, not trouble: they leave the breaker closed.
        for (int i = 0; i < 4; i++) {
            assertFails(handler, input("/bad-request", null), "UPSTREAM_REJECTED", false, "400");
        }
        // Two 503s make half of the last four calls failures: the ratio that opens it.
        for (int i = 0; i < 2; i++) {
            assertFails(handler, input("/busy", null), "UPSTREAM_UNAVAILABLE", true, "answered 503");
        }
        long servedWhenOpened = served.size();
        assertThatThrownBy(() -> run(handler, input("/busy", null))).isInstanceOfSatisfying(TaskFailure.class, failure -> {
            assertThat(failure.error().code()).isEqualTo("CIRCUIT_OPEN");
            assertThat(failure.error().retryable()).isTrue();
            assertThat(failure.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        });
        assertThat(served).as("requests that reached the origin while open").hasSize((int) servedWhenOpened);
    }

    @Test
    void a429IsRateLimited() {
        assertFails(handler(), input("/slow-down", null), "UPSTREAM_RATE_LIMITED", true, "429");
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws Exception {
        HttpServer gone = vertx.createHttpServer().requestHandler(request -> request.response().end());
        gone.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        int closedPort = gone.actualPort();
        gone.close().toCompletionStage().toCompletableFuture().get();

        assertFails(handler(), "{\"url\":\"http://127.0.0.1:" + closedPort + "/ok\"}", "UPSTREAM_UNAVAILABLE", true,
                "http://127.0.0.1:" + closedPort);
    }

    @Test
    void invalidInputFailsBeforeAnyRequest() {
        assertFails(handler(), "{\"url\":\"gopher://127.0.0.1/\"}", "INVALID_INPUT", false, "'url'");
        assertThat(connections).hasValue(0);
    }

    // --- helpers

    /** A handler allowed to call the test server: 127.0.0.1, private addresses allowed, short timeouts. */
    private HttpVerifyHandler handler() {
        return handler(Map.of());
    }

    private HttpVerifyHandler handler(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "taskgate.verify.allowed-hosts", "127.0.0.1",
                "taskgate.verify.allow-private-addresses", "true",
                "taskgate.verify.max-response-bytes", Long.toString(MAX_BODY),
                "taskgate.verify.first-byte-timeout", "300ms",
                "taskgate.verify.total-timeout", "10s"));
        properties.putAll(overrides);
        HttpVerifyHandler handler = new HttpVerifyHandler(vertx, config(properties), this::lookup, BREAKERS);
        handlers.add(handler);
        return handler;
    }

    private static VerifyConfig config(Map<String, String> properties) {
        return TestVerifyConfigs.config(properties);
    }

    private InetAddress[] lookup(String host) throws UnknownHostException {
        lookups.add(host);
        InetAddress[] known = testNames.get(host);
        return known != null ? known : InetAddress.getAllByName(host);
    }

    private String input(String path, String more) {
        return "{\"url\":\"http://127.0.0.1:" + port + path + "\"" + (more == null ? "" : "," + more) + "}";
    }

    private JsonNode run(HttpVerifyHandler handler, String input) {
        return handler.handle(json(input), context).await().atMost(Duration.ofSeconds(15));
    }

    private void assertFails(HttpVerifyHandler handler, String input, String code, boolean retryable, String message) {
        assertThatThrownBy(() -> run(handler, input)).as(input).isInstanceOfSatisfying(TaskFailure.class, failure -> {
            assertThat(failure.error().code()).isEqualTo(code);
            assertThat(failure.error().retryable()).isEqualTo(retryable);
            assertThat(failure.error().message()).contains(message);
        });
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void json(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static void redirect(HttpServerRequest request, int status, String location) {
        request.response().setStatusCode(status).putHeader("Location", location).end();
    }

    /** 64 KiB in 1 KiB chunks without a Content-Length: only counting while reading can stop it. */
    private static void streamLargeBody(HttpServerRequest request) {
        var response = request.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "application/json");
        response.write("{\"pad\":\"");
        for (int i = 0; i < 64; i++) {
            response.write(Buffer.buffer("x".repeat(1024)));
        }
        response.end("\"}");
    }

    /** Announces 10 MiB, sends one byte and stalls: only the declared length can tell in time. */
    private static void announceLargeBody(HttpServerRequest request) {
        request.response().setStatusCode(200).putHeader("Content-Length", Long.toString(10L * 1024 * 1024)).write("{");
    }

    /** A PKCS#12 key store with a self-signed certificate for {@code name}, made by the JDK's keytool. */
    private static Path selfSignedKeyStore(Path dir, String name) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-dname", "CN=" + name, "-ext", "SAN=dns:" + name, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return keyStore;
    }

    private static String echo(HttpServerRequest request, Buffer body) {
        ObjectNode echoed = JSON.createObjectNode();
        echoed.put("method", request.method().name());
        echoed.put("contentType", request.getHeader("Content-Type"));
        echoed.put("authorization", request.getHeader("Authorization"));
        echoed.put("host", request.getHeader("Host"));
        echoed.set("body", body.length() == 0 ? null : json(body.toString()));
        return echoed.toString();
    }
}
