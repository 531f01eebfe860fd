package io.taskgate.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible upstream for running and testing Taskgate without a real provider: chat
 * completions (streamed or not) with scripted latency and faults, plus {@code /_sim} endpoints to
 * steer it and count what clients did. Entirely non-blocking, so one process holds thousands of
 * open streams.
 */
public final class LlmSimulator implements AutoCloseable {

    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 8090;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final int port;

    private LlmSimulator(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /** Starts on the loopback interface; port 0 picks a free port, see {@link #port()}. */
    public static LlmSimulator start(int port, SimulatorConfig config) {
        return start(DEFAULT_HOST, port, config);
    }

    public static LlmSimulator start(String host, int port, SimulatorConfig config) {
        int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        try {
            Handler<HttpServerRequest> router = new Routes(vertx, config);
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(host)
                    // For a free port, a negative port makes Vert.x pick one random port and share
                    // it between the servers below (port 0 would give each a different one).
                    .setPort(port == 0 ? -1 : port)
                    // HTTP/1.1 only: each stream then owns its connection, so a client that gives
                    // up is seen as a closed connection, as with the providers' own endpoints.
                    .setHttp2ClearTextEnabled(false);
            AtomicInteger actualPort = new AtomicInteger();
            // One server per event loop on the same port, each in its own verticle so that it is
            // bound to its own event loop: Vert.x spreads the connections across them, so both
            // cores of a small machine serve streams.
            await(vertx.deployVerticle(() -> new ServerVerticle(options, router, actualPort),
                    new DeploymentOptions().setInstances(eventLoops)));
            return new LlmSimulator(vertx, actualPort.get());
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    public static void main(String[] args) throws InterruptedException {
        String host = setting(args, "--host", "TASKGATE_SIMULATOR_HOST", DEFAULT_HOST);
        int port = Integer.parseInt(setting(args, "--port", "TASKGATE_SIMULATOR_PORT", String.valueOf(DEFAULT_PORT)));
        LlmSimulator simulator = start(host, port, SimulatorConfig.defaults());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "llm-simulator-stop"));
        // The launcher reads this line to learn the port when it asked for port 0.
        System.out.println("llm-simulator listening on " + simulator.port());
        System.out.flush();
        stopped.await();
    }

    /** A command-line option wins over the environment variable, which wins over the default. */
    private static String setting(String[] args, String option, String env, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(option)) {
                return args[i + 1];
            }
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the simulator", e);
        } catch (Exception e) {
            throw new IllegalStateException("llm-simulator could not start or stop: " + e.getMessage(), e);
        }
    }

    /** One HTTP server on the event loop of its verticle. */
    private static final class ServerVerticle extends AbstractVerticle {

        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> router;
        private final AtomicInteger actualPort;

        ServerVerticle(HttpServerOptions options, Handler<HttpServerRequest> router, AtomicInteger actualPort) {
            this.options = options;
            this.router = router;
            this.actualPort = actualPort;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options).requestHandler(router).listen()
                    .onSuccess(server -> actualPort.set(server.actualPort()))
                    .<Void>mapEmpty()
                    .onComplete(started);
        }
    }

    /** Path and method dispatch; a table small enough not to need a web framework. */
    private static final class Routes implements Handler<HttpServerRequest> {

        private final AtomicReference<SimulatorConfig> config;
        private final ChatCompletionEndpoint chat;
        private final SimulatorAdmin admin;

        Routes(Vertx vertx, SimulatorConfig initial) {
            this.config = new AtomicReference<>(initial);
            SimulatorStats stats = new SimulatorStats();
            FaultSelector faults = new FaultSelector(initial.seed());
            this.chat = new ChatCompletionEndpoint(vertx, config::get, stats, faults);
            this.admin = new SimulatorAdmin(config, stats, faults);
        }

        @Override
        public void handle(HttpServerRequest request) {
            HttpMethod method = request.method();
            switch (request.path()) {
                case "/v1/chat/completions" -> only(request, HttpMethod.POST, chat::handle);
                case "/v1/models" -> only(request, HttpMethod.GET, this::listModels);
                case "/_sim/config" -> {
                    if (method == HttpMethod.PUT) {
                        admin.updateConfig(request);
                    } else {
                        only(request, HttpMethod.GET, admin::showConfig);
                    }
                }
                case "/_sim/stats" -> only(request, HttpMethod.GET, admin::showStats);
                case "/_sim/reset" -> only(request, HttpMethod.POST, admin::resetStats);
                case "/_sim/health" -> only(request, HttpMethod.GET, admin::health);
                default -> OpenAiErrors.notFound(request.response(), method.name(), request.path());
            }
        }

        private void only(HttpServerRequest request, HttpMethod allowed, Handler<HttpServerRequest> handler) {
            if (request.method() == allowed) {
                handler.handle(request);
            } else {
                OpenAiErrors.methodNotAllowed(request.response(), request.method().name(), request.path(),
                        allowed.name());
            }
        }

        private void listModels(HttpServerRequest request) {
            SimulatorConfig settings = config.get();
            switch (ApiKeyCheck.check(request.getHeader("Authorization"), settings.requireApiKey())) {
                case MISSING -> OpenAiErrors.missingApiKey(request.response());
                case WRONG -> OpenAiErrors.wrongApiKey(request.response());
                case ACCEPTED -> SimulatorAdmin.sendJson(request.response(), 200, modelList(settings.model()));
            }
        }

        private static String modelList(String model) {
            ObjectNode list = JsonNodeFactory.instance.objectNode().put("object", "list");
            list.putArray("data").addObject()
                    .put("id", model)
                    .put("object", "model")
                    .put("created", Instant.now().getEpochSecond())
                    .put("owned_by", "taskgate");
            return list.toString();
        }
    }
}
