package io.taskgate.worker.handler.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.handler.TaskContext;
import io.taskgate.worker.handler.TaskHandler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import io.taskgate.worker.upstream.UpstreamBreakers;
import jakarta.inject.Inject;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code http.verify}: calls an external verification endpoint and judges its answer against
 * the task's expectation (status, and optionally a JSON value in the body).
 *
 * <p>Input: {@code {"method": "GET", "url": "https://…", "headers": {…}, "body": …,
 * "expect": {"status": "2xx" | [200, 204], "jsonPointer": "/data/verified", "equals": true}}}.
 * Result: {@code {"verified": true, "status": 200, "value": …, "elapsedMs": n}}. Only allow-listed
 * hosts on public addresses are called (see {@link VerifyConfig}); every failure has its own code
 * in {@link VerifyFailures}.
 */
@ApplicationScoped
public class HttpVerifyHandler implements TaskHandler {

    /** Requests that may wait for a pooled connection; beyond that they fail fast as unavailable. */
    static final int MAX_WAITING_REQUESTS = 256;
    /** Threads for blocking name lookups, so a slow DNS server holds these and nothing else. */
    static final int LOOKUP_THREADS = 4;

    private final VerifyConfig config;
    private final HttpClient httpClient;
    private final WorkerExecutor lookups;
    private final VerifyClient client;
    private final OriginGuards guards;

    @Inject
    public HttpVerifyHandler(Vertx vertx, VerifyConfig config, UpstreamBreakers breakers) {
        this(vertx, config, InetAddress::getAllByName, breakers);
    }

    HttpVerifyHandler(Vertx vertx, VerifyConfig config, AddressResolver.Lookup lookup, UpstreamBreakers breakers) {
        this.config = config;
        this.guards = new OriginGuards(config, breakers);
        this.httpClient = vertx.createHttpClient(clientOptions(config),
                new PoolOptions().setHttp1MaxSize(config.poolSize()).setMaxWaitQueueSize(MAX_WAITING_REQUESTS));
        this.lookups = vertx.createSharedWorkerExecutor("taskgate-verify-lookup", LOOKUP_THREADS);
        AddressResolver resolver = new AddressResolver(lookups, lookup);
        this.client = new VerifyClient(httpClient, TargetPolicy.of(config), resolver, config);
    }

    private static HttpClientOptions clientOptions(VerifyConfig config) {
        return new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
                .setSslHandshakeTimeout(config.firstByteTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                // Bodies are counted as they arrive on the wire; no decompression can inflate them.
                .setDecompressionSupported(false);
    }

    @Override
    public String type() {
        return "http.verify";
    }

    @Override
    public java.util.Optional<JsonNode> inputSchema() {
        return java.util.Optional.of(io.taskgate.worker.handler.InputSchemas.load("http-verify"));
    }

    @Override
    public Uni<JsonNode> handle(JsonNode input, TaskContext context) {
        VerifyRequest request = VerifyRequest.parse(input);
        long started = System.nanoTime();
        // Giving up cancels the chain, which resets whichever request is in flight. The guard does
        // not pass cancellation inward, so the call inside it races an abandon signal of its own.
        CompletableFuture<Void> abandon = new CompletableFuture<>();
        Uni<JsonNode> abandoned = Uni.createFrom().completionStage(abandon)
                .onItem().transformToUni(ignored -> Uni.createFrom().failure(new CancellationException("abandoned")));
        return guards.call(request.target().origin(), () -> Uni.combine().any().<JsonNode>of(
                        client.fetch(request).map(answer -> verdict(request.expect(), answer, started)), abandoned))
                .ifNoItem().after(config.totalTimeout())
                .failWith(() -> VerifyFailures.upstreamTimeout("no answer from " + request.target().origin()
                        + " within total-timeout (" + config.totalTimeout().toMillis() + " ms)"))
                .onTermination().invoke(() -> abandon.complete(null));
    }

    private static JsonNode verdict(Expectation expect, VerifyClient.Answer answer, long started) {
        if (!expect.acceptsStatus(answer.status())) {
            throw VerifyFailures.unexpectedStatus(answer.status(), answer.target().origin(), expect);
        }
        JsonNode value = expect.valueIn(answer.body());
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("verified", true);
        result.put("status", answer.status());
        result.set("value", value == null ? JsonNodeFactory.instance.nullNode() : value);
        result.put("elapsedMs", (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    @PreDestroy
    void close() {
        httpClient.close();
        lookups.close();
    }
}
