package io.taskgate.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs a helper program (redis-cli, nginx, a project script) to its end and hands back what it printed. */
final class Commands {

    private Commands() {
    }

    /** Its output (stdout and stderr together); an exit code other than 0 is an IOException carrying it. */
    static String run(List<String> command) throws IOException {
        return outputOf(new ProcessBuilder(command).redirectErrorStream(true), null);
    }

    /**
     * What it printed on stdout alone, for output that is parsed: a warning on stderr (podman
     * reports its network configuration there) is not part of the answer. An exit code other
     * than 0 is an IOException carrying both.
     */
    static String stdout(List<String> command) throws IOException {
        Path errors = Files.createTempFile("command", ".err");
        try {
            return outputOf(new ProcessBuilder(command).redirectError(errors.toFile()), errors);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** {@code errors}: where stderr went, to quote on failure; null when it is merged into stdout. */
    private static String outputOf(ProcessBuilder builder, Path errors) throws IOException {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", builder.command()) + " failed: " + output
                        + (errors == null ? "" : Files.readString(errors)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return output;
    }
}
