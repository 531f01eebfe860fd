package io.taskgate.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server process. By default it runs the redis-server binary that the
 * embedded-redis jar ships (6.2); set {@value #BINARY_VARIABLE} to run another one, such as
 * Debian's Redis 7. Data is appended to a file in the given folder so a local run survives a
 * restart.
 *
 * <p>{@code appendfsync everysec}: each write reaches the kernel before Redis answers it, so a
 * crash of the Redis process loses nothing it acknowledged; a crash of the whole machine can lose
 * up to the last second of writes. Nothing in Redis is the record of a task — PostgreSQL is — and
 * the sweeper puts any task whose stream entry was lost back on the stream.
 *
 * <p>The process is started here rather than through the jar's launcher, which kills Redis with
 * SIGKILL the moment the JVM begins to exit: the services it serves must be able to drain first.
 */
public final class RedisServerProcess implements AutoCloseable {

    public static final String BINARY_VARIABLE = "TASKGATE_REDIS_SERVER";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** On SIGTERM Redis writes and syncs its append-only file, then exits; that takes milliseconds. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final File binary;
    private final Path dataDirectory;
    private final int port;
    private volatile Process process;

    private RedisServerProcess(File binary, Path dataDirectory, int port) {
        this.binary = binary;
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public static RedisServerProcess start(Path dataDirectory, int port) throws IOException {
        Files.createDirectories(dataDirectory);
        RedisServerProcess server = new RedisServerProcess(executable(),
                dataDirectory.toAbsolutePath(), port == 0 ? PortFinder.freePort() : port);
        server.launch();
        return server;
    }

    private static File executable() throws IOException {
        String binary = System.getenv(BINARY_VARIABLE);
        if (binary != null && !binary.isBlank()) {
            return new File(binary);
        }
        return ExecutableProvider.newJarResourceProvider().get();
    }

    private void launch() throws IOException {
        List<String> command = List.of(binary.getPath(),
                "--port", String.valueOf(port),
                "--bind", "127.0.0.1",
                "--dir", dataDirectory.toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "");
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDirectory.resolve("redis.log").toFile()))
                .start();
        awaitReady();
    }

    /** Ready means PING answers PONG: while it loads its append-only file, Redis answers LOADING. */
    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see "
                        + dataDirectory.resolve("redis.log"));
            }
            if (answersPong()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Redis", e);
            }
        }
        process.destroyForcibly();
        throw new IOException("Redis was not ready within " + START_TIMEOUT);
    }

    private boolean answersPong() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException notYet) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGTERM: Redis saves its append-only file and exits; SIGKILL if it has not within the grace period. */
    public void stop() throws IOException {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                running.destroyForcibly();
                if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("redis-server (pid " + running.pid() + ") survived SIGKILL");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping Redis", e);
        }
    }

    /** SIGKILL, as when the process dies: whatever it had not handed to the kernel is gone. */
    public void crash() throws IOException {
        Process running = process;
        running.destroyForcibly();
        try {
            running.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while killing Redis", e);
        }
    }

    /** Starts the server again on the same port and data, after {@link #stop} or {@link #crash}. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Redis is still running");
        }
        launch();
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    @Override
    public String toString() {
        Process running = process;
        return "Redis on port " + port + (running == null ? "" : " (pid " + running.pid() + ")");
    }
}
