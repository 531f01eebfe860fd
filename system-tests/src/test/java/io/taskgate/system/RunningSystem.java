package io.taskgate.system;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The system as these tests see it: real PostgreSQL and Redis processes plus whatever services a
 * test starts, each a separate {@code java -jar} process built by this very build.
 */
final class RunningSystem implements AutoCloseable {

    private final LocalStack stack;

    private RunningSystem(LocalStack stack) {
        this.stack = stack;
    }

    static RunningSystem start(String name) {
        try {
            Path root = Path.of(System.getProperty("taskgate.project.root", "..")).toAbsolutePath().normalize();
            Path data = Files.createDirectories(root.resolve("system-tests/target/runs"))
                    .resolve(name + "-" + System.currentTimeMillis());
            return new RunningSystem(LocalStack.startInfrastructure(root, data, 0, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TaskgateClient startApi(String name) {
        try {
            return new TaskgateClient(stack.startApi(name, 0, Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServiceProcess startWorker(String name, Map<String, String> config) {
        try {
            return stack.startWorker(name, 0, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServiceProcess startWorker(String name) {
        return startWorker(name, Map.of());
    }

    /**
     * Worker settings that make recovery happen within seconds rather than minutes, so that
     * crash and outage tests finish quickly. The mechanisms are the production ones.
     */
    static Map<String, String> fastRecovery(Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "mp.messaging.incoming.tasks.claim-idle", "3s",
                "mp.messaging.incoming.tasks.heartbeat", "1s",
                "mp.messaging.incoming.tasks.reclaim-every", "1s",
                "mp.messaging.incoming.tasks.block", "500ms",
                "taskgate.worker.heartbeat", "1s",
                "taskgate.worker.sweeper.requeue-after", "5s",
                "taskgate.worker.sweeper.every", "1s",
                "taskgate.worker.sweeper.trim-every", "1s"));
        config.putAll(more);
        return config;
    }

    SimulatorControl startLlmSimulator() {
        try {
            return new SimulatorControl(stack.startLlmSimulator(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RedisCommands redis() {
        return new RedisCommands(stack.redis().port());
    }

    OutcomeLedger ledger() {
        return new OutcomeLedger(stack.postgres());
    }

    LocalStack stack() {
        return stack;
    }

    @Override
    public void close() {
        stack.close();
    }
}
