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
 *   <li>submit: the rate and latency of {@code POST /api/v1/tasks} (row committed and entry on
 *       the stream before each 202), with no worker running;</li>
 *   <li>drain: how fast one worker empties that backlog of {@code echo} tasks;</li>
 *   <li>end to end: submit and run {@code echo} tasks at once, from the first POST until the
 *       last task is SUCCEEDED.</li>
 * </ol>
 * Arguments (all optional): submits, client concurrency, end-to-end tasks, worker concurrency.
 */
public final class PipelineBenchmark {

    private static final String ECHO = "{\"type\":\"echo\",\"input\":{\"message\":\"bench\"}}";

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int submits = intArg(args, 0, 20_000);
        int clients = intArg(args, 1, 64);
        int endToEnd = intArg(args, 2, 10_000);
        int workerConcurrency = intArg(args, 3, 64);
        int warmup = Math.min(5_000, submits / 4);

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("run-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-api", 0, Map.of());
            SubmitLoad load = new SubmitLoad(api.baseUrl(), ECHO);

            load.run(warmup, clients);
            LatencyRecorder.Summary submit = load.run(submits, clients);
            report("submit (no worker)", submit);

            int backlog = warmup + submits;
            long drainStart = System.nanoTime();
            stack.startWorker("bench-worker", 0, Map.of("taskgate.worker.concurrency", String.valueOf(workerConcurrency)));
            awaitSucceeded(stack, backlog);
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            System.out.printf("drain: %d queued echo tasks in %.1f s (worker start included) = %.0f tasks/s%n",
                    backlog, drainSeconds, backlog / drainSeconds);

            long e2eStart = System.nanoTime();
            LatencyRecorder.Summary submitWhileRunning = load.run(endToEnd, clients);
            awaitSucceeded(stack, backlog + endToEnd);
            double e2eSeconds = (System.nanoTime() - e2eStart) / 1e9;
            report("submit (worker running)", submitWhileRunning);
            System.out.printf("end to end: %d echo tasks submitted and SUCCEEDED in %.1f s = %.0f tasks/s%n",
                    endToEnd, e2eSeconds, endToEnd / e2eSeconds);
            System.out.printf("settings: submits=%d clients=%d e2e=%d workerConcurrency=%d cores=%d%n",
                    submits, clients, endToEnd, workerConcurrency, Runtime.getRuntime().availableProcessors());
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

    private static void report(String phase, LatencyRecorder.Summary s) {
        System.out.printf("%s: %d requests, %.0f req/s, latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                phase, s.requests(), s.perSecond(), s.p50Ms(), s.p90Ms(), s.p99Ms(), s.maxMs());
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
