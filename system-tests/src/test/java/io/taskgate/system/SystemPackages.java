package io.taskgate.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian packages a test needs beyond the embedded servers (a Redis 7 for a cluster, pgbouncer,
 * nginx, podman), installed through the project's own script so a fresh machine runs every test.
 */
final class SystemPackages {

    private SystemPackages() {
    }

    static void require(String... packages) {
        Path script = root().resolve("deploy/tools/require-packages.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(packages));
        try {
            Commands.run(command);
        } catch (IOException e) {
            throw new IllegalStateException("could not install " + String.join(" ", packages) + ": " + e.getMessage(), e);
        }
    }

    /** {@code command} on the PATH, from {@code debianPackage} when it is not there yet. */
    static void requireCommand(String command, String debianPackage) {
        for (String folder : System.getenv("PATH").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(folder, command))) {
                return;
            }
        }
        require(debianPackage);
    }

    static Path root() {
        return Path.of(System.getProperty("taskgate.project.root", "..")).toAbsolutePath().normalize();
    }
}
