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

    LocalStack stack() {
        return stack;
    }

    @Override
    public void close() {
        stack.close();
    }
}
