package io.taskgate.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
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
 */
public final class RedisServerProcess implements AutoCloseable {

    public static final String BINARY_VARIABLE = "TASKGATE_REDIS_SERVER";

    private final RedisServer server;
    private final int port;

    private RedisServerProcess(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static RedisServerProcess start(Path dataDirectory, int port) throws IOException {
        Files.createDirectories(dataDirectory);
        int chosenPort = port == 0 ? PortFinder.freePort() : port;
        RedisServer server = RedisServer.newRedisServer()
                .executableProvider(executable())
                .port(chosenPort)
                .bind("127.0.0.1")
                .setting("dir " + dataDirectory.toAbsolutePath())
                .setting("appendonly yes")
                .setting("appendfsync everysec")
                .setting("save \"\"")
                .onShutdownForceStop(true)
                .build();
        server.start();
        return new RedisServerProcess(server, chosenPort);
    }

    private static ExecutableProvider executable() {
        String binary = System.getenv(BINARY_VARIABLE);
        if (binary != null && !binary.isBlank()) {
            File file = new File(binary);
            return () -> file;
        }
        return ExecutableProvider.newJarResourceProvider();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server; a stopped server can be started again on the same port and data. */
    public void stop() throws IOException {
        server.stop();
    }

    public void restart() throws IOException {
        server.start();
    }

    @Override
    public void close() throws IOException {
        if (server.isActive()) {
            server.stop();
        }
    }
}
