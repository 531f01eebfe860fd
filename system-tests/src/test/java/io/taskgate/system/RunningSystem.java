package io.taskgate.system;

import io.taskgate.local.LocalStack;
import io.taskgate.local.RedisCommands;
import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The system as these tests see it: real PostgreSQL and Redis processes plus whatever services a
 * test starts, each a separate {@code java -jar} process built by this very build.
 */
final class RunningSystem implements AutoCloseable {

    private final LocalStack stack;
    private String defaultKey;

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

    /** Starts an api-service; the client calls it as the {@code default} tenant, with the roles to submit and read. */
    TaskgateClient startApi(String name) {
        return startApi(name, Map.of());
    }

    /** Starts an api-service with settings of its own on top of the stack's. */
    TaskgateClient startApi(String name, Map<String, String> config) {
        try {
            ServiceProcess api = stack.startApi(name, 0, config);
            if (defaultKey == null) {
                defaultKey = stack.issueApiKey(api, "default", "system tests", "submit", "read");
            }
            return new TaskgateClient(api, defaultKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issues a key of {@code tenant} with {@code roles} through {@code api}. */
    String issueKey(TaskgateClient api, String tenant, String... roles) {
        try {
            return stack.issueApiKey(api.process(), tenant, "system test key", roles);
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

    /**
     * SIGKILL to every client backend of PostgreSQL. The postmaster then stops all other
     * backends, throws away shared memory and replays its WAL, exactly as after a power cut of
     * the database alone: whatever a COMMIT acknowledged but had not flushed is gone.
     */
    int crashPostgresBackends() {
        List<Long> backends = new ArrayList<>();
        try (Connection db = stack.postgres().connect(); Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity "
                        + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            while (rows.next()) {
                backends.add(rows.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not list PostgreSQL backends", e);
        }
        backends.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return backends.size();
    }

    /** SIGKILL to the Redis server; {@link #restartRedis()} starts it again on the same data. */
    void crashRedis() {
        try {
            stack.redis().crash();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void restartRedis() {
        try {
            stack.redis().restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stack.close();
    }
}
