package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;

/**
 * Measures the pipeline on this machine, with every part a real process on loopback:
 * <ol>
 *   <li>end to end: {@code echo} tasks submitted by closed-loop clients and run by one worker,
 *       from the first POST until the last task is SUCCEEDED in PostgreSQL;</li>
 *   <li>submit: the rate and latency of {@code POST /api/v1/tasks} alone (row committed and
 *       entry on the stream before each 202), after the worker has been stopped.</li>
 * </ol>
 * A warm-up run of the end-to-end phase comes first, so both JVMs have compiled their hot
 * paths before anything is measured. Arguments (all optional): submits, client concurrency,
 * end-to-end tasks, worker concurrency, warm-up tasks.
 */
public final class PipelineBenchmark {

    private static final String ECHO = "{\"type\":\"echo\",\"input\":{\"message\":\"bench\"}}";

    static final Map<String, String> UNREACHED_BUDGETS = Map.of(
            "taskgate.api.limits.submit-per-key", "100000000", "taskgate.api.limits.submit-per-tenant", "100000000",
            "taskgate.api.limits.read-per-key", "100000000", "taskgate.api.limits.read-per-tenant", "100000000");

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int submits = intArg(args, 0, 50_000);
        int clients = intArg(args, 1, 64);
        int endToEnd = intArg(args, 2, 20_000);
        int workerConcurrency = intArg(args, 3, 64);
        int warmup = intArg(args, 4, 20_000);

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("run-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            // Budgets no run reaches: every submit is still counted in Redis (that is the cost
            // measured below), none is refused.
            ServiceProcess api = stack.startApi("bench-api", 0, UNREACHED_BUDGETS);
            ServiceProcess worker = stack.startWorker("bench-worker", 0,
                    Map.of("taskgate.worker.concurrency", String.valueOf(workerConcurrency)));
            SubmitLoad load = new SubmitLoad(api.baseUrl(), ECHO,
                    stack.issueApiKey(api, "bench", "pipeline benchmark", "submit"));

            load.run(warmup, clients);
            awaitSucceeded(stack, warmup);

            long e2eStart = System.nanoTime();
            LatencyRecorder.Summary submitWhileRunning = load.run(endToEnd, clients);
            awaitSucceeded(stack, warmup + endToEnd);
            double e2eSeconds = (System.nanoTime() - e2eStart) / 1e9;
            System.out.printf("end to end: %d echo tasks submitted and SUCCEEDED in %.1f s = %.0f tasks/s%n",
                    endToEnd, e2eSeconds, endToEnd / e2eSeconds);
            report("submit (worker running)", submitWhileRunning);

            worker.stop(java.time.Duration.ofSeconds(20));
            report("submit (no worker)", load.run(submits, clients));

            // What the door costs: a second api with authentication, rate limits and admission
            // control off, warmed up the same way, and the two measured in alternating rounds so
            // that neither gains from going last.
            ServiceProcess open = stack.startApi("bench-api-open", 0, Map.of("taskgate.api.auth.enabled", "false",
                    "taskgate.api.limits.enabled", "false", "taskgate.api.admission.enabled", "false"));
            SubmitLoad unauthenticated = new SubmitLoad(open.baseUrl(), ECHO, null);
            unauthenticated.run(warmup + endToEnd, clients);
            double withKeys = 0;
            double withoutKeys = 0;
            for (int round = 1; round <= 2; round++) {
                LatencyRecorder.Summary keyed = load.run(submits / 2, clients);
                LatencyRecorder.Summary unkeyed = unauthenticated.run(submits / 2, clients);
                report("round " + round + " submit, API key + rate limits + admission", keyed);
                report("round " + round + " submit, all three off", unkeyed);
                withKeys += keyed.perSecond();
                withoutKeys += unkeyed.perSecond();
            }
            System.out.printf("the door: rate with authentication, rate limits and admission / rate without = %.2f%n",
                    withKeys / withoutKeys);
            System.out.println(durability(stack));
            System.out.printf("settings: submits=%d clients=%d e2e=%d workerConcurrency=%d warmup=%d cores=%d%n",
                    submits, clients, endToEnd, workerConcurrency, warmup, Runtime.getRuntime().availableProcessors());
        }
    }

    private static void awaitSucceeded(LocalStack stack, int expected) throws Exception {
        try (Connection db = stack.postgres().connect()) {
            while (true) {
                try (ResultSet rows = db.createStatement()
                        .executeQuery("SELECT count(*) FROM tasks WHERE status = 'SUCCEEDED'")) {
                    rows.next();
                    if (rows.getLong(1) >= expected) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    /** The settings that decide what a COMMIT and an XADD promise, read from the running servers. */
    static String durability(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect()) {
            return "durability: PostgreSQL fsync=" + show(db, "fsync") + " synchronous_commit=" + show(db, "synchronous_commit")
                    + " wal_sync_method=" + show(db, "wal_sync_method") + "; Redis appendonly yes, appendfsync everysec";
        }
    }

    private static String show(Connection db, String setting) throws Exception {
        try (ResultSet rows = db.createStatement().executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void report(String phase, LatencyRecorder.Summary s) {
        System.out.printf("%s: %d requests, %.0f req/s, latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                phase, s.requests(), s.perSecond(), s.p50Ms(), s.p90Ms(), s.p99Ms(), s.maxMs());
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
