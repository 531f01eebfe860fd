package io.taskgate.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a helper program (redis-cli, nginx, a project script) to its end and hands back what it printed. */
final class Commands {

    private Commands() {
    }

    /** Its output (stdout and stderr together); an exit code other than 0 is an IOException carrying it. */
    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return output;
    }
}
