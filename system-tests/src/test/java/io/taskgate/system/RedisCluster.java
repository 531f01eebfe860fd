package io.taskgate.system;

import io.taskgate.local.PortFinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of masters on loopback, from Debian's redis-server 7: each node its own
 * process, the slots spread by {@code redis-cli --cluster create}. No replicas — the test is
 * about keys and slots, not failover.
 */
final class RedisCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<Integer> ports;
    private final List<Process> nodes = new ArrayList<>();

    private RedisCluster(List<Integer> ports) {
        this.ports = ports;
    }

    static RedisCluster start(Path directory, int masters) {
        SystemPackages.require("redis-server", "redis-tools");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            ports.add(PortFinder.freePort());
        }
        RedisCluster cluster = new RedisCluster(ports);
        try {
            for (int port : ports) {
                cluster.startNode(directory.resolve("node-" + port), port);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Commands.run(create);
            cluster.awaitClusterOk();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void startNode(Path directory, int port) throws IOException {
        Files.createDirectories(directory);
        List<String> command = List.of("redis-server",
                "--port", String.valueOf(port),
                "--bind", "127.0.0.1",
                "--dir", directory.toString(),
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--appendonly", "yes",
                "--save", "");
        nodes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile()).start());
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!cli(port, "PING").equals("PONG")) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("cluster node on port " + port + " did not start; see " + directory);
            }
            pause();
        }
    }

    private void awaitClusterOk() throws IOException {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!ports.stream().allMatch(port -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("the cluster did not reach cluster_state:ok");
            }
            pause();
        }
    }

    /** The {@code quarkus.redis.hosts} value: every node, so a client finds the cluster from any of them. */
    String hosts() {
        return ports.stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** Runs one command on the cluster; {@code -c} follows redirections to the node owning the key. */
    String call(String... command) {
        List<String> arguments = new ArrayList<>(List.of("redis-cli", "-c", "-p", String.valueOf(ports.get(0))));
        arguments.addAll(List.of(command));
        try {
            return Commands.run(arguments).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many keys each node holds, by port. */
    java.util.Map<Integer, Long> keysPerNode() {
        java.util.Map<Integer, Long> counts = new java.util.TreeMap<>();
        ports.forEach(port -> counts.put(port, Long.parseLong(cli(port, "DBSIZE"))));
        return counts;
    }

    private static String cli(int port, String... command) {
        List<String> arguments = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        arguments.addAll(List.of(command));
        try {
            return Commands.run(arguments).strip();
        } catch (IOException notYet) {
            return "";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(Process::destroy);
        for (Process node : nodes) {
            try {
                if (!node.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
