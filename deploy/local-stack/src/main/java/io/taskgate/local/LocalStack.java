package io.taskgate.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL, Redis and any number of api-service and worker-service processes on loopback:
 * the whole system without containers. The local run and the system tests both use it, so the
 * tests exercise the same wiring that people run.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Long enough for a worker to finish short tasks it holds; longer ones are reclaimed later. */
    private static final Duration SERVICE_GRACE = Duration.ofSeconds(20);

    private final Path projectRoot;
    private final Path dataDirectory;
    private final PostgresServer postgres;
    private final RedisServerProcess redis;
    private final List<ServiceProcess> services = Collections.synchronizedList(new ArrayList<>());
    private volatile String llmBaseUrl;
    private volatile boolean startupArchives;
    private final String adminToken;
    private final Thread closeOnExit = new Thread(this::close, "taskgate-stack-close");
    private boolean closed;

    private LocalStack(Path projectRoot, Path dataDirectory, PostgresServer postgres, RedisServerProcess redis,
            String adminToken) {
        this.projectRoot = projectRoot;
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.redis = redis;
        this.adminToken = adminToken;
        // Whatever way the JVM exits normally, nothing this stack started outlives it.
        Runtime.getRuntime().addShutdownHook(closeOnExit);
    }

    /**
     * Starts PostgreSQL and Redis with their data under {@code dataDirectory}. Ports of 0 pick
     * free ones.
     */
    public static LocalStack startInfrastructure(Path projectRoot, Path dataDirectory, int postgresPort, int redisPort)
            throws IOException {
        String adminToken = AccessTokens.adminToken(dataDirectory.resolve("admin-token"));
        PostgresServer postgres = PostgresServer.start(dataDirectory.resolve("postgres"), postgresPort);
        try {
            RedisServerProcess redis = RedisServerProcess.start(dataDirectory.resolve("redis"), redisPort);
            return new LocalStack(projectRoot, dataDirectory, postgres, redis, adminToken);
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** Starts an api-service on the given port (0 for a free one) with extra configuration. */
    public ServiceProcess startApi(String name, int port, Map<String, String> extraConfig) throws IOException {
        Map<String, String> config = new HashMap<>(commonConfig());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("taskgate.api.admin.token", adminToken);
        config.putAll(extraConfig);
        return startService(name, projectRoot.resolve("api-service"), port, config);
    }

    /**
     * Starts the OpenAI-compatible simulator on the given port (0 for a free one). Workers
     * started afterwards send {@code llm.chat} calls to it unless told otherwise.
     */
    public ServiceProcess startLlmSimulator(int port) throws IOException {
        Path module = projectRoot.resolve("deploy/llm-simulator/target");
        Path jar = module.resolve("llm-simulator.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build the project first (./mvnw package -DskipTests)");
        }
        int chosenPort = port == 0 ? PortFinder.freePort() : port;
        List<String> command = List.of(ServiceProcess.javaBinary(), "-Xmx256m", "-cp",
                jar + java.io.File.pathSeparator + module.resolve("lib") + java.io.File.separator + "*",
                "io.taskgate.simulator.LlmSimulator", "--port", String.valueOf(chosenPort));
        ServiceProcess simulator = ServiceProcess.startCommand("llm-simulator", command, chosenPort, "/_sim/health",
                logDirectory(), START_TIMEOUT);
        services.add(simulator);
        llmBaseUrl = simulator.baseUrl();
        return simulator;
    }

    /** Starts a worker-service on the given port (0 for a free one) with extra configuration. */
    public ServiceProcess startWorker(String name, int port, Map<String, String> extraConfig) throws IOException {
        Map<String, String> config = new HashMap<>(commonConfig());
        config.put("mp.messaging.incoming.tasks.consumer", name);
        // The fault injector: off in a packaged worker, on where people try things out and tests inject faults.
        config.put("taskgate.worker.flaky.enabled", "true");
        if (llmBaseUrl != null) {
            config.put("taskgate.llm.base-url", llmBaseUrl);
        }
        config.putAll(extraConfig);
        return startService(name, projectRoot.resolve("worker-service"), port, config);
    }

    /**
     * Whether services started from now on use a start-up archive beside their jar (see
     * {@link StartupArchive}): the first start of a build records it, later ones map it. Off
     * unless turned on, so that tests start every service the same way.
     */
    public LocalStack useStartupArchives(boolean use) {
        startupArchives = use;
        return this;
    }

    /**
     * The start-up archive of {@code module} ("api-service", "worker-service") for the JVM this
     * stack starts services on; empty when that JVM has none.
     */
    public Optional<StartupArchive> startupArchive(String module) {
        return StartupArchive.forJar(runJar(projectRoot.resolve(module)), Path.of(System.getProperty("java.home")));
    }

    private static Path runJar(Path module) {
        return module.resolve("target/quarkus-app/quarkus-run.jar");
    }

    private ServiceProcess startService(String name, Path module, int port, Map<String, String> config)
            throws IOException {
        Path runJar = runJar(module);
        int chosenPort = port == 0 ? PortFinder.freePort() : port;
        StartupArchive.Launch archive = startupArchives
                ? startupArchive(module.getFileName().toString()).map(StartupArchive::nextLaunch).orElse(null)
                : null;
        ServiceProcess service = ServiceProcess.start(name, runJar, chosenPort, config, archive, logDirectory(),
                START_TIMEOUT);
        services.add(service);
        return service;
    }

    private Map<String, String> commonConfig() {
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.username", PostgresServer.USER,
                "quarkus.redis.hosts", redis.url());
    }

    /** The operator's admin token every api of this stack accepts (kept in the data folder). */
    public String adminToken() {
        return adminToken;
    }

    /** Issues an API key for {@code tenant} with {@code roles} through {@code api}. */
    public String issueApiKey(ServiceProcess api, String tenant, String name, String... roles) throws IOException {
        return AccessTokens.issueKey(api, adminToken, tenant, name, roles);
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public RedisServerProcess redis() {
        return redis;
    }

    /**
     * Stops every service (gently, then forcibly), then Redis, then PostgreSQL. Each step runs
     * whatever happened to the ones before it — a server that died first, a service that ignores
     * SIGTERM — and what could not be stopped is named on stderr rather than left silently behind.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != closeOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException exiting) {
                // The JVM is already exiting; the hook finds this stack closed.
            }
        }
        List<ServiceProcess> running;
        synchronized (services) {
            running = new ArrayList<>(services);
            services.clear();
        }
        List<String> leftRunning = new ArrayList<>();
        // SIGTERM to all first: each drains its own work, in parallel, within one shared grace period.
        running.forEach(service -> attempt("ask " + service + " to stop", service::requestStop, leftRunning));
        Instant deadline = Instant.now().plus(SERVICE_GRACE);
        for (ServiceProcess service : running) {
            attempt("stop " + service, () -> {
                if (!service.finishStop(remaining(deadline))) {
                    throw new IllegalStateException("still running after SIGKILL");
                }
            }, leftRunning);
        }
        attempt("stop Redis", redis::close, leftRunning);
        attempt("stop PostgreSQL", postgres::close, leftRunning);
        if (!leftRunning.isEmpty()) {
            System.err.println("Could not stop everything; still running or unknown:");
            leftRunning.forEach(line -> System.err.println("  " + line));
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(String what, Step step, List<String> failures) {
        try {
            step.run();
        } catch (Exception | Error e) {
            failures.add("could not " + what + ": " + e);
        }
    }
}
