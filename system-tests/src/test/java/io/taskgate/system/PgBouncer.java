package io.taskgate.system;

import io.taskgate.local.PortFinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's pgbouncer in front of the stack's PostgreSQL, in transaction mode: each transaction
 * (or statement outside one) may run on a different server connection, as in production
 * deployments that put many service instances in front of a small PostgreSQL.
 */
final class PgBouncer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Process process;

    private PgBouncer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** {@code serverConnections}: the most server connections it opens to PostgreSQL. */
    static PgBouncer start(Path directory, int postgresPort, int serverConnections) {
        SystemPackages.require("pgbouncer", "postgresql-client");
        int port = PortFinder.freePort();
        try {
            Files.createDirectories(directory);
            Path ini = directory.resolve("pgbouncer.ini");
            Files.writeString(ini, String.join("\n",
                    "[databases]",
                    "taskgate = host=127.0.0.1 port=" + postgresPort + " dbname=taskgate user=postgres",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = any",
                    "admin_users = postgres",
                    "pool_mode = transaction",
                    "default_pool_size = " + serverConnections,
                    "max_client_conn = 1000",
                    // Sent by the JDBC driver at connect; harmless to drop for a pooled session.
                    "ignore_startup_parameters = extra_float_digits",
                    ""));
            List<String> command = new ArrayList<>();
            // pgbouncer refuses to run as root; Debian's package brings the postgres user. setpriv
            // execs in place, so stopping this process stops pgbouncer itself.
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
            }
            command.addAll(List.of("pgbouncer", ini.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("pgbouncer.log").toFile()).start();
            PgBouncer bouncer = new PgBouncer(port, process);
            bouncer.awaitListening(directory);
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Path directory) throws IOException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("pgbouncer exited with " + process.exitValue() + "; see " + directory);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("pgbouncer did not listen within " + READY_TIMEOUT);
    }

    /** The reactive client's URL of the {@code taskgate} database through this pgbouncer. */
    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/taskgate";
    }

    /**
     * How many client transactions and queries pgbouncer has passed to PostgreSQL for the
     * {@code taskgate} database, from its admin console ({@code SHOW STATS}, read with psql: the
     * console speaks only the simple query protocol and takes no session settings).
     */
    long[] transactionsAndQueries() {
        List<String> command = List.of("psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres",
                "-d", "pgbouncer", "-A", "-F", ",", "-c", "SHOW STATS");
        try {
            Process psql = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (psql.waitFor() != 0 || lines.isEmpty()) {
                throw new IllegalStateException("psql could not read pgbouncer's statistics: " + lines);
            }
            List<String> columns = List.of(lines.get(0).split(","));
            for (String line : lines.subList(1, lines.size())) {
                List<String> values = List.of(line.split(","));
                if (values.size() == columns.size() && values.get(columns.indexOf("database")).equals("taskgate")) {
                    return new long[] {Long.parseLong(values.get(columns.indexOf("total_xact_count"))),
                            Long.parseLong(values.get(columns.indexOf("total_query_count")))};
                }
            }
            return new long[] {0, 0};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
