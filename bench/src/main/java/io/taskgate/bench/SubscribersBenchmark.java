package io.taskgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
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
            Subscribers sockets = new Subscribers(api.baseUrl(), keys, taskIds);
            long opening = System.nanoTime();
            sockets.open();
            boolean allSnapshots = sockets.awaitSnapshots(Duration.ofSeconds(180));
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            Reading subscribed = Reading.take(api, subscribers + " sockets, each subscribed to its queued task");

            long workerLaunched = System.nanoTime();
            ServiceProcess worker = stack.startWorker("bench-worker", 0, Map.of());
            boolean allFinal = sockets.awaitFinal(Duration.ofSeconds(300));
            double runSeconds = (System.nanoTime() - workerLaunched) / 1e9;
            Reading finished = Reading.take(api, "every task finished, sockets still open");
            List<Long> push = pushLatencies(stack, sockets.finalArrivals());
            sockets.close();
            Thread.sleep(2000);
            Reading closed = Reading.take(api, "sockets closed");

            long perSubscriber = (subscribed.heapAfterGc - before.heapAfterGc) / Math.max(1, subscribers);
            long rssPerSubscriber = (subscribed.rss - before.rss) / Math.max(1, subscribers);
            System.out.printf("%nopened %d sockets and received %d snapshots (%s) in %.1f s%n", subscribers,
                    sockets.snapshots.get(), allSnapshots ? "all" : "NOT ALL", openSeconds);
            System.out.printf("final state pushed to %d of %d subscribers (%s), %d of them more than once;"
                            + " %.1f s from launching the worker to the last one%n",
                    sockets.finalArrivals().size(), subscribers, allFinal ? "all" : "NOT ALL",
                    sockets.duplicates.get(), runSeconds);
            System.out.println("push (outcome stored -> final event received): " + PacedBenchmark.percentiles(push));
            System.out.printf("per subscriber on the api: heap %,d bytes, RSS %,d bytes%n", perSubscriber, rssPerSubscriber);
            System.out.println("refused or failed sockets: " + sockets.failures.size()
                    + (sockets.failures.isEmpty() ? "" : ", first: " + sockets.failures.get(0)));
            System.out.println("error frames: " + sockets.errors.size()
                    + (sockets.errors.isEmpty() ? "" : ", first: " + sockets.errors.get(0)));
            System.out.printf("settings: subscribers=%d tenants=%d echo=%d ms cores=%d; api and worker defaults%n",
                    subscribers, TENANTS, delayMs, Runtime.getRuntime().availableProcessors());
            worker.stop(Duration.ofSeconds(20));
            if (!allSnapshots || !allFinal || finished == null || closed == null) {
                System.exit(1);
            }
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
                            .header("Content-Type", "application/json")
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

    /** One socket per task, each subscribing to its task as soon as it is open. */
    private static final class Subscribers implements AutoCloseable {

        private final HttpClient http = HttpClient.newHttpClient();
        private final URI uri;
        private final List<String> keys;
        private final List<String> taskIds;
        private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
        private final Map<String, Instant> finalArrivals = new ConcurrentHashMap<>();
        private final AtomicInteger snapshots = new AtomicInteger();
        private final AtomicInteger duplicates = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final List<String> errors = new CopyOnWriteArrayList<>();

        Subscribers(String baseUrl, List<String> keys, List<String> taskIds) {
            this.uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/ws/tasks");
            this.keys = keys;
            this.taskIds = taskIds;
        }

        /** Opens the sockets, a hundred handshakes in flight at most, as a crowd of browsers would. */
        void open() throws Exception {
            Semaphore handshakes = new Semaphore(100);
            List<CompletableFuture<?>> opened = new ArrayList<>();
            for (int i = 0; i < taskIds.size(); i++) {
                handshakes.acquire();
                String taskId = taskIds.get(i);
                opened.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + keys.get(i % keys.size()))
                        .connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new Follower(taskId))
                        .thenCompose(socket -> {
                            sockets.add(socket);
                            return socket.sendText("{\"op\":\"subscribe\",\"taskIds\":[\"" + taskId + "\"]}", true);
                        })
                        .whenComplete((ignored, failure) -> {
                            handshakes.release();
                            if (failure != null) {
                                failures.add(taskId + ": " + failure);
                            }
                        }));
            }
            CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> null)
                    .get(5, TimeUnit.MINUTES);
        }

        boolean awaitSnapshots(Duration patience) throws InterruptedException {
            return await(patience, () -> snapshots.get() >= taskIds.size());
        }

        boolean awaitFinal(Duration patience) throws InterruptedException {
            return await(patience, () -> finalArrivals.size() >= taskIds.size());
        }

        Map<String, Instant> finalArrivals() {
            return finalArrivals;
        }

        private static boolean await(Duration patience, java.util.function.BooleanSupplier done) throws InterruptedException {
            long deadline = System.nanoTime() + patience.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return true;
        }

        @Override
        public void close() {
            List<CompletableFuture<?>> closing = new ArrayList<>();
            for (WebSocket socket : sockets) {
                closing.add(socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").handle((ignored, failure) -> null));
            }
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                    .handle((ignored, failure) -> null).join();
        }

        /** Counts the snapshot and the final state of one task as they reach its socket. */
        private final class Follower implements WebSocket.Listener {

            private final String taskId;
            private final StringBuilder partial = new StringBuilder();

            Follower(String taskId) {
                this.taskId = taskId;
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    Instant at = Instant.now();
                    onMessage(partial.toString(), at);
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            private void onMessage(String text, Instant at) {
                JsonNode event;
                try {
                    event = JSON.readTree(text);
                } catch (Exception e) {
                    errors.add("not JSON: " + text);
                    return;
                }
                String type = event.path("type").asText();
                if ("error".equals(type)) {
                    errors.add(text);
                } else if ("snapshot".equals(type)) {
                    snapshots.incrementAndGet();
                } else if (!"output".equals(type) && FINAL.contains(event.path("task").path("status").asText())) {
                    if (finalArrivals.putIfAbsent(taskId, at) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                failures.add(taskId + ": " + error);
            }
        }
    }
}
