package io.taskgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many browsers on one api instance, each following its own task over its own WebSocket: what
 * the instance holds per subscriber, and whether every one of them is told when its task ends.
 *
 * <p>With no worker running, {@code subscribers} echo tasks are submitted (spread over ten
 * tenants, so the default per-tenant connection limit holds) and stay queued. Then one socket
 * per task is opened and subscribes to it; once every snapshot has arrived the api's heap after
 * a full collection and its resident set are read and compared with the readings before the
 * sockets. Then a worker starts, runs the tasks, and the benchmark waits until every socket has
 * received its task's final state, pushed. Readings again with the sockets still open and after
 * they are closed, when the api should be back where it started.
 *
 * <p>Arguments (optional): subscribers (10,000), ms per echo task (10).
 */
public final class SubscribersBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TENANTS = 10;

    private SubscribersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int delayMs = args.length > 1 ? Integer.parseInt(args[1]) : 10;

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("subscribers-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-api", 0, PipelineBenchmark.UNREACHED_BUDGETS);
            List<String> keys = new ArrayList<>();
            for (int tenant = 0; tenant < TENANTS; tenant++) {
                keys.add(stack.issueApiKey(api, "bench-" + tenant, "subscribers benchmark", "submit", "read"));
            }
            String body = "{\"type\":\"echo\",\"input\":{\"message\":\"followed\",\"delayMs\":" + delayMs + "}}";
            List<String> taskIds = submit(api.baseUrl(), keys, body, subscribers);

            System.out.println("| api | heap after full GC | RSS | sockets open | subscriptions |");
            System.out.println("|---|---|---|---|---|");
            Reading before = Reading.take(api, "before any socket (" + subscribers + " tasks queued)");
            SubscriberCrowd sockets = new SubscriberCrowd(api.baseUrl(), keys, taskIds);
            long opening = System.nanoTime();
            sockets.open();
            boolean allSnapshots = sockets.awaitSnapshots(Duration.ofSeconds(180));
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            Reading subscribed = Reading.take(api, subscribers + " sockets, each subscribed to its queued task");

            long workerLaunched = System.nanoTime();
            ServiceProcess worker = stack.startWorker("bench-worker", 0, Map.of());
            boolean allFinal = sockets.awaitFinal(Duration.ofSeconds(300));
            double runSeconds = (System.nanoTime() - workerLaunched) / 1e9;
            Reading.take(api, "every task finished, sockets still open");
            List<Long> push = pushLatencies(stack, sockets.finalArrivals());
            sockets.close();
            awaitGauge(api, "taskgate_ws_connections", "0.0", Duration.ofSeconds(60));
            Reading.take(api, "sockets closed");

            long perSubscriber = (subscribed.heapAfterGc - before.heapAfterGc) / Math.max(1, subscribers);
            long rssPerSubscriber = (subscribed.rss - before.rss) / Math.max(1, subscribers);
            System.out.printf("%nopened %d sockets and received %d snapshots (%s) in %.1f s%n", subscribers,
                    sockets.snapshotCount(), allSnapshots ? "all" : "NOT ALL", openSeconds);
            System.out.printf("final state pushed to %d of %d subscribers (%s), %d of them more than once;"
                            + " %.1f s from launching the worker to the last one%n",
                    sockets.finalArrivals().size(), subscribers, allFinal ? "all" : "NOT ALL",
                    sockets.repeats(), runSeconds);
            System.out.println("push (outcome stored -> final event received): " + PacedBenchmark.percentiles(push));
            System.out.printf("per subscriber on the api: heap %,d bytes, RSS %,d bytes%n", perSubscriber, rssPerSubscriber);
            System.out.println("refused, failed or closed sockets: " + summary(sockets.failures()));
            System.out.println("error frames or events for another task: " + summary(sockets.errors()));
            System.out.printf("settings: subscribers=%d tenants=%d echo=%d ms cores=%d; api and worker defaults%n",
                    subscribers, TENANTS, delayMs, Runtime.getRuntime().availableProcessors());
            worker.stop(Duration.ofSeconds(20));
            if (!allSnapshots || !allFinal) {
                System.exit(1);
            }
        }
    }

    private static String summary(List<String> problems) {
        return problems.size() + (problems.isEmpty() ? "" : ", first: " + problems.get(0));
    }

    private static void awaitGauge(ServiceProcess api, String gauge, String value, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!value.equals(PacedBenchmark.gauge(api, gauge)) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Submits {@code count} tasks, round robin over the tenants' keys, and returns their ids in that order. */
    private static List<String> submit(String baseUrl, List<String> keys, String body, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String[] ids = new String[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 32; c++) {
            running.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/tasks"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + keys.get(i % keys.size()))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 202) {
                        throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
                    }
                    ids[i] = JSON.readTree(answer.body()).path("id").asText();
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
        clients.shutdown();
        return List.of(ids);
    }

    /** Push latency of each final event: when the worker stored the outcome to when the socket received it. */
    private static List<Long> pushLatencies(LocalStack stack, Map<String, Instant> arrivals) throws Exception {
        List<Long> latencies = new ArrayList<>();
        List<String> ids = new ArrayList<>(arrivals.keySet());
        try (Connection db = stack.postgres().connect();
                PreparedStatement query = db.prepareStatement(
                        "SELECT id::text, finished_at FROM tasks WHERE id = ANY (?::uuid[])")) {
            for (int from = 0; from < ids.size(); from += 1000) {
                query.setArray(1, db.createArrayOf("text", ids.subList(from, Math.min(ids.size(), from + 1000)).toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        Instant stored = rows.getObject(2, OffsetDateTime.class).toInstant();
                        latencies.add(Duration.between(stored, arrivals.get(rows.getString(1))).toNanos());
                    }
                }
            }
        }
        return latencies;
    }

    /** The api's memory at one stage, printed as a table row as it is taken. */
    private record Reading(long heapAfterGc, long rss) {

        static Reading take(ServiceProcess api, String stage) throws Exception {
            ProcessMemory.collectGarbage(api);
            Thread.sleep(500);
            Reading reading = new Reading(ProcessMemory.heapUsedBytes(api), ProcessMemory.rssBytes(api.pid()));
            System.out.printf("| %s | %s | %s | %s | %s |%n", stage, ProcessMemory.mib(reading.heapAfterGc),
                    ProcessMemory.mib(reading.rss), PacedBenchmark.gauge(api, "taskgate_ws_connections"),
                    PacedBenchmark.gauge(api, "taskgate_ws_subscriptions"));
            return reading;
        }
    }
}
