package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import io.taskgate.local.StartupArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each service takes to become ready once its migrations have run, and what it holds
 * in memory when idle. Starts PostgreSQL and Redis, runs the api once so the schema exists, then
 * in each round starts an api-service and a worker-service, one after the other, and records
 * the time from launching the JVM until its readiness check answered UP, the start-up time
 * Quarkus logs itself, and, after {@code idle} seconds without work, the resident set size of
 * the process and its heap in use. Then the same with start-up archives (see
 * {@code StartupArchive}): one start of each service that records its archive, then the rounds
 * again, mapping it.
 *
 * <p>Arguments (all optional): rounds (3), idle seconds (10).
 */
public final class StartupBenchmark {

    private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("startup-" + System.currentTimeMillis());
        Files.createDirectories(data);
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            stack.startApi("startup-migrations", 0, Map.of()).stop(Duration.ofSeconds(20));
            System.out.println("| start-up archive | round | service | launch → ready | Quarkus \"started in\" | idle RSS | idle heap in use |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                startBoth(stack, "none", round, idleSeconds);
            }
            // The first start of each service with archives on records them; later ones map them.
            for (String module : List.of("api-service", "worker-service")) {
                Optional<StartupArchive> archive = stack.startupArchive(module);
                if (archive.isPresent()) {
                    archive.get().delete();
                }
            }
            stack.useStartupArchives(true);
            startBoth(stack, "recording", 0, idleSeconds);
            for (int round = 1; round <= rounds; round++) {
                startBoth(stack, "mapped", round, idleSeconds);
            }
            System.out.printf("settings: rounds=%d idle=%ds cores=%d java=%s%n", rounds, idleSeconds,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        }
    }

    private static void startBoth(LocalStack stack, String archive, int round, int idleSeconds) throws Exception {
        String suffix = archive + "-" + round;
        long launched = System.nanoTime();
        ServiceProcess api = stack.startApi("startup-api-" + suffix, 0, Map.of());
        double apiReady = (System.nanoTime() - launched) / 1e9;
        launched = System.nanoTime();
        ServiceProcess worker = stack.startWorker("startup-worker-" + suffix, 0, Map.of());
        double workerReady = (System.nanoTime() - launched) / 1e9;
        Thread.sleep(idleSeconds * 1000L);
        print(archive, round, "api", apiReady, api);
        print(archive, round, "worker", workerReady, worker);
        worker.stop(Duration.ofSeconds(60));
        api.stop(Duration.ofSeconds(60));
    }

    private static void print(String archive, int round, String service, double ready, ServiceProcess process)
            throws Exception {
        System.out.printf("| %s | %s | %s | %.2f s | %s s | %,d MiB | %,.0f MiB |%n", archive,
                round == 0 ? "first" : String.valueOf(round), service, ready,
                startedIn(process.logFile()), ProcessMemory.rssBytes(process.pid()) / (1024 * 1024),
                ProcessMemory.heapUsedBytes(process) / (1024.0 * 1024));
    }

    private static String startedIn(Path log) throws IOException {
        Matcher found = STARTED_IN.matcher(Files.readString(log));
        String last = "?";
        while (found.find()) {
            last = found.group(1);
        }
        return last;
    }
}
