package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Many concurrent {@code llm.chat} tasks against the simulator with a fixed time per call: how
 * close does the pipeline come to the bound that worker concurrency sets
 * ({@code concurrency / seconds per call})? Every part is a real process on loopback.
 * Arguments (optional): tasks, worker concurrency, milliseconds per call, warm-up tasks.
 */
public final class LlmChatBenchmark {

    private static final String CHAT = "{\"type\":\"llm.chat\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"bench\"}]}}";
    private static final int TOKENS = 20;

    private LlmChatBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int callMs = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 200;

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("llm-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-api", 0, PipelineBenchmark.UNREACHED_BUDGETS);
            ServiceProcess simulator = stack.startLlmSimulator(0);
            // First token after 100 ms, then the rest of the reply so that the call takes callMs.
            int firstTokenMs = 100;
            double tokensPerSecond = (TOKENS - 1) * 1000.0 / (callMs - firstTokenMs);
            configure(simulator, "{\"firstTokenMs\":" + firstTokenMs + ",\"tokensPerSecond\":" + tokensPerSecond
                    + ",\"replyTokens\":" + TOKENS + ",\"errorRate\":0,\"rateLimitRate\":0,\"hangRate\":0}");
            ServiceProcess worker = stack.startWorker("bench-worker", 0, Map.of(
                    "taskgate.worker.concurrency", String.valueOf(concurrency),
                    "taskgate.llm.max-concurrent-calls", String.valueOf(concurrency),
                    "quarkus.datasource.reactive.max-size", "40"));

            SubmitLoad load = new SubmitLoad(api.baseUrl(), CHAT,
                    stack.issueApiKey(api, "bench", "llm benchmark", "submit"));
            load.run(warmUp, 32);
            awaitFinished(stack, warmUp);
            // The simulator's figures then cover the timed tasks' calls only.
            post(simulator.baseUrl() + "/_sim/reset");
            Timestamp timedFrom = databaseNow(stack);

            ServerCounters before = ServerCounters.read(stack);
            List<ServiceProcess> measured = List.of(api, worker, simulator);
            CpuTimes cpuBefore = CpuTimes.read(measured);
            AttemptPhaseTimes phasesBefore = AttemptPhaseTimes.read(worker, "llm.chat");
            long start = System.nanoTime();
            load.run(tasks, 64);
            awaitFinished(stack, warmUp + tasks);
            double seconds = (System.nanoTime() - start) / 1e9;

            double rate = tasks / seconds;
            double bound = concurrency * 1000.0 / callMs;
            long failed = count(stack, "SELECT count(*) FROM tasks WHERE status <> 'SUCCEEDED'");
            System.out.printf("llm.chat: %d tasks in %.1f s = %.0f tasks/s; bound %d x 1000/%d ms = %.0f tasks/s; "
                    + "%.0f%% of the bound; tasks not SUCCEEDED: %d%n", tasks, seconds, rate, concurrency, callMs, bound,
                    100 * rate / bound, failed);
            System.out.println("simulator: " + get(simulator.baseUrl() + "/_sim/stats"));
            System.out.println(timeline(stack, timedFrom));
            System.out.println(AttemptPhaseTimes.read(worker, "llm.chat").meansSince(phasesBefore));
            System.out.println("(a task's run minus the simulator's answer time is the worker's own time around the call:"
                    + " its start, the request's way there, and the outcome stored after the last byte)");
            System.out.println(ServerCounters.read(stack).perTaskSince(before, tasks));
            System.out.println(CpuTimes.read(measured).perTaskSince(cpuBefore, tasks));
            System.out.println(PipelineBenchmark.durability(stack));
        }
    }

    private static void awaitFinished(LocalStack stack, long expected) throws Exception {
        while (count(stack, "SELECT count(*) FROM tasks WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')") < expected) {
            Thread.sleep(100);
        }
    }

    /** Where the timed tasks' time went: waiting to start, and running (the call included). */
    private static String timeline(LocalStack stack, Timestamp timedFrom) throws Exception {
        String sql = "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)),"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)),"
                + " avg(extract(epoch FROM finished_at - started_at))"
                + " FROM tasks WHERE type = 'llm.chat' AND created_at >= ?";
        try (Connection db = stack.postgres().connect(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setTimestamp(1, timedFrom);
            ResultSet rows = query.executeQuery();
            rows.next();
            return String.format("per task: waited to start p50 %.0f ms, p95 %.0f ms; ran (last start to outcome) p50 %.0f ms,"
                    + " p95 %.0f ms, mean %.0f ms", rows.getDouble(1) * 1000, rows.getDouble(2) * 1000,
                    rows.getDouble(3) * 1000, rows.getDouble(4) * 1000, rows.getDouble(5) * 1000);
        }
    }

    private static Timestamp databaseNow(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect();
                ResultSet rows = db.createStatement().executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getTimestamp(1);
        }
    }

    private static long count(LocalStack stack, String sql) throws Exception {
        try (Connection db = stack.postgres().connect(); ResultSet rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void configure(ServiceProcess simulator, String json) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/_sim/config"))
                .PUT(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void post(String url) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
