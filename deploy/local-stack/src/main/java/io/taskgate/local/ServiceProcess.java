package io.taskgate.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Taskgate service (a packaged Quarkus application) running as its own operating-system
 * process, with its output in a log file. Tests stop it gently (SIGTERM) or kill it (SIGKILL).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path logFile;
    private volatile StartupArchive.Launch archive;

    private ServiceProcess(String name, Process process, int httpPort, Path logFile) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java -jar runJar} (a Quarkus application) with the given configuration as
     * system properties and waits until its readiness check answers UP.
     */
    public static ServiceProcess start(String name, Path runJar, int httpPort, Map<String, String> config,
            Path logDirectory, Duration startTimeout) throws IOException {
        return start(name, runJar, httpPort, config, null, logDirectory, startTimeout);
    }

    /**
     * As {@link #start(String, Path, int, Map, Path, Duration)}, mapping or recording a
     * start-up archive as {@code archive} says (null for none); the recording is kept once the
     * service has been stopped cleanly.
     */
    public static ServiceProcess start(String name, Path runJar, int httpPort, Map<String, String> config,
            StartupArchive.Launch archive, Path logDirectory, Duration startTimeout) throws IOException {
        if (!Files.isRegularFile(runJar)) {
            throw new IOException(runJar + " is missing: build the project first (./mvnw package -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-Xmx512m");
        if (archive != null) {
            command.addAll(archive.jvmOptions());
        }
        command.addAll(extraJvmOptions());
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(runJar.toString());
        ServiceProcess service;
        try {
            service = startCommand(name, command, httpPort, "/q/health/ready", logDirectory, startTimeout);
        } catch (IOException notStarted) {
            // A service that exits at start-up (a bad setting) may still have written its recording.
            if (archive != null) {
                archive.finish(false);
            }
            throw notStarted;
        }
        service.archive = archive;
        return service;
    }

    /** Starts any command that serves HTTP on {@code httpPort} and waits until {@code readyPath} answers 200. */
    public static ServiceProcess startCommand(String name, List<String> command, int httpPort, String readyPath,
            Path logDirectory, Duration startTimeout) throws IOException {
        Files.createDirectories(logDirectory);
        Path logFile = logDirectory.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        ServiceProcess service = new ServiceProcess(name, process, httpPort, logFile);
        service.awaitReady(readyPath, startTimeout);
        return service;
    }

    /**
     * JVM options for every service started here, from the system property
     * {@code taskgate.local.jvm-options} (separated by spaces): lets a benchmark compare JIT or
     * class-data settings without a code change.
     */
    static List<String> extraJvmOptions() {
        String options = System.getProperty("taskgate.local.jvm-options", "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /** The java binary of the JVM running this code, so services start on the same Java. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady(String readyPath, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + readyPath))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // The port opens only once the application has started; keep polling.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name, e);
            }
            sleepQuietly(Duration.ofMillis(50));
        }
        process.destroyForcibly();
        throw new IOException(name + " was not ready within " + timeout + "; see " + logFile);
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to clean up, as when a machine dies. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
        keepOrDropRecording();
    }

    /** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
    public void stop(Duration grace) {
        requestStop();
        finishStop(grace);
    }

    /** SIGTERM without waiting, so that several services can drain at the same time. */
    void requestStop() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /**
     * Waits up to {@code grace} for the exit that {@link #requestStop} asked for, then kills.
     * Returns whether the process is gone.
     */
    boolean finishStop(Duration grace) {
        if (process.isAlive() && !waitForExit(grace)) {
            kill();
        }
        keepOrDropRecording();
        return !process.isAlive();
    }

    /** A start-up archive this run recorded becomes the archive only if the run ended cleanly. */
    private void keepOrDropRecording() {
        StartupArchive.Launch recorded = archive;
        if (recorded == null || process.isAlive()) {
            return;
        }
        archive = null;
        // 0 when the service exits by itself; 143 and 130 when SIGTERM or Ctrl-C's SIGINT stopped it.
        int exit = process.exitValue();
        try {
            recorded.finish(exit == 0 || exit == 143 || exit == 130);
        } catch (IOException e) {
            System.err.println("could not keep the start-up archive of " + name + ": " + e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }
}
