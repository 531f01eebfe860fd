package io.taskgate.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole system on this machine: PostgreSQL, Redis, one api-service and one
 * worker-service, until Ctrl-C. Data stays in {@code .taskgate/} under the project between runs.
 */
public final class LocalRun {

    static final String DEMO_TENANT = "demo";

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(setting("TASKGATE_PROJECT_ROOT", ".")).toAbsolutePath().normalize();
        Path data = root.resolve(setting("TASKGATE_DATA_DIR", ".taskgate"));
        int apiPort = Integer.parseInt(setting("TASKGATE_API_PORT", "8080"));
        int workerPort = Integer.parseInt(setting("TASKGATE_WORKER_PORT", "8081"));
        int postgresPort = Integer.parseInt(setting("TASKGATE_POSTGRES_PORT", "55432"));
        int redisPort = Integer.parseInt(setting("TASKGATE_REDIS_PORT", "56379"));

        LocalStack stack = LocalStack.startInfrastructure(root, data, postgresPort, redisPort)
                .useStartupArchives(!"off".equalsIgnoreCase(setting("TASKGATE_STARTUP_ARCHIVE", "on")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Taskgate...");
            stack.close();
            stopped.countDown();
        }, "taskgate-local-stop"));

        ServiceProcess api = stack.startApi("api-service", apiPort, Map.of());
        // The simulator stands in for an LLM provider unless one is configured.
        boolean simulate = System.getenv("TASKGATE_LLM_BASE_URL") == null
                && !"off".equalsIgnoreCase(setting("TASKGATE_SIMULATOR", "on"));
        String llm = simulate
                ? stack.startLlmSimulator(Integer.parseInt(setting("TASKGATE_SIMULATOR_PORT", "8090"))).baseUrl()
                        + " (simulator; GET /_sim/stats)"
                : System.getenv().getOrDefault("TASKGATE_LLM_BASE_URL", "(not configured)");
        ServiceProcess worker = stack.startWorker("worker-1", workerPort, Map.of());
        String demoKey = demoKey(stack, api, data.resolve("demo-api-key"));

        System.out.printf("""

                Taskgate is running (Ctrl-C stops everything).
                  API            %1$s/api/v1/tasks
                  WebSocket      ws://127.0.0.1:%2$d/ws/tasks
                  OpenAPI        %1$s/q/openapi
                  API health     %1$s/q/health
                  API metrics    %1$s/q/metrics
                  Worker health  %3$s/q/health
                  PostgreSQL     %4$s (user postgres)
                  Redis          %5$s
                  LLM upstream   %7$s
                  Data and logs  %6$s
                  API key        %8$s (tenant %9$s, roles submit and read; kept in %6$s/demo-api-key)
                  Admin token    in %6$s/admin-token

                Try it:
                  curl -si -X POST %1$s/api/v1/tasks -H 'Authorization: Bearer %8$s' \\
                    -H 'Content-Type: application/json' -d '{"type":"echo","input":{"message":"hello"}}'
                %n""", api.baseUrl(), api.httpPort(), worker.baseUrl(), stack.postgres().jdbcUrl(),
                stack.redis().url(), data, llm, demoKey, DEMO_TENANT);
        stopped.await();
    }

    /** The demo tenant's key kept in the data folder if it still works, otherwise a new one kept there. */
    private static String demoKey(LocalStack stack, ServiceProcess api, Path file) throws java.io.IOException {
        var kept = AccessTokens.read(file);
        if (kept.isPresent() && AccessTokens.works(api, kept.get())) {
            return kept.get();
        }
        String key = stack.issueApiKey(api, DEMO_TENANT, "local run", "submit", "read");
        AccessTokens.write(file, key);
        return key;
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
