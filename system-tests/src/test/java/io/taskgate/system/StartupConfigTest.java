package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A malformed or out-of-range setting stops a service before it does anything, with a line that
 * names the setting and no stack trace: what an operator sees in `kubectl logs` after a typo.
 */
class StartupConfigTest {

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource({
        "worker-service, TASKGATE_WORKER_CONCURRENCY, lots, taskgate.worker.concurrency",
        "worker-service, TASKGATE_WORKER_CONCURRENCY, 0, taskgate.worker.concurrency must be greater than or equal to 1",
        "worker-service, TASKGATE_WORKER_DEFAULT_POLICY_JITTER, 2, jitter must be less than or equal to 1.0",
        "worker-service, TASKGATE_WORKER_SHUTDOWN_GRACE, soon, taskgate.worker.shutdown-grace",
        "api-service, TASKGATE_API_LIMITS_WINDOW, soon, taskgate.api.limits.window",
        "api-service, TASKGATE_API_TASKS_MAX_PAGE_SIZE, 0, taskgate.api.tasks.max-page-size must be greater than or equal to 1",
        "api-service, TASKGATE_API_LIMITS_WHEN_REDIS_FAILS, sometimes, taskgate.api.limits.when-redis-fails",
    })
    void aBadSettingStopsTheServiceNamingIt(String module, String variable, String value, String said) throws Exception {
        Path jar = SystemPackages.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        Path output = Files.createTempFile("startup-" + variable, ".log");
        ProcessBuilder start = new ProcessBuilder(List.of(io.taskgate.local.ServiceProcess.javaBinary(), "-Xmx256m",
                "-Dquarkus.http.port=0", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        start.environment().put(variable, value);
        Process service = start.start();
        boolean exited = service.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            service.destroyForcibly();
        }
        String log = Files.readString(output);
        Files.delete(output);
        assertThat(exited).as("the service stopped by itself; it said:%n%s", log).isTrue();
        assertThat(service.exitValue()).isNotZero();
        assertThat(log).contains("Configuration validation failed").contains(said);
        assertThat(log).as("no stack trace").doesNotContain("\tat ");
    }
}
