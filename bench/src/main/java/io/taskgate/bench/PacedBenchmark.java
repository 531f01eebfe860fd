package io.taskgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.local.LocalStack;
import io.taskgate.local.RedisCommands;
import io.taskgate.model.RedisNames;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An offered load, as web apps make it: {@code echo} tasks that take {@code delayMs} each,
 * submitted at a fixed rate whatever the answers (an open loop, so a slow system cannot slow
 * the load down and hide its own queueing), each followed over a WebSocket until its final
 * state arrives. Api and worker run with their default settings (only the api's rate budgets
 * are out of reach). Prints the rate at which tasks completed against the offered rate, the
 * end-to-end latency (submit sent → final event received) and the push latency (outcome stored
 * by the worker → final event received), whose start is read back from PostgreSQL.
 * Arguments (optional): tasks per second, measured seconds, ms per task, warm-up seconds, and
 * {@code watch} (the default) or {@code nowatch}: without watchers, completion and end-to-end
 * latency are read from PostgreSQL ({@code finished_at}) and no push latency is measured.
 */
public final class PacedBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Submissions in flight at most: the connections a web app's HTTP client would keep. */
    static final int CONNECTIONS = 256;

    private PacedBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int delayMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        boolean watch = args.length <= 4 || !"nowatch".equals(args[4]);

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("paced-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-api", 0, PipelineBenchmark.UNREACHED_BUDGETS);
            ServiceProcess worker = stack.startWorker("bench-worker", 0, Map.of());
            String key = stack.issueApiKey(api, "bench", "paced benchmark", "submit", "read");
            String body = "{\"type\":\"echo\",\"input\":{\"message\":\"paced\",\"delayMs\":" + delayMs + "}}";
            try (FinalEventWatcher watcher = watch ? new FinalEventWatcher(api.baseUrl(), key, 8) : null;
                    EventChannelTap tap = watch ? new EventChannelTap(new RedisCommands(stack.redis().port())) : null) {
                Phase warmUp = new Phase(api.baseUrl(), key, body, watcher, stack);
                warmUp.offer(rate, warmUpSeconds);
                warmUp.awaitFinal(Duration.ofSeconds(120));

                Phase measured = new Phase(api.baseUrl(), key, body, watcher, stack);
                CpuTimes cpuBefore = CpuTimes.read(List.of(api, worker));
                measured.offer(rate, seconds);
                boolean allArrived = measured.awaitFinal(Duration.ofSeconds(120));
                CpuTimes cpuAfter = CpuTimes.read(List.of(api, worker));
                measured.report(rate, seconds, delayMs, allArrived, tap);
                System.out.println(cpuAfter.perTaskSince(cpuBefore, (long) rate * seconds));
                if (watcher != null) {
                    // Every final state was answered with an unsubscribe: none should be left.
                    Thread.sleep(1000);
                    System.out.println("subscriptions left on the api after the run: " + gauge(api, "taskgate_ws_subscriptions"));
                }
                if (watcher != null && !watcher.errors().isEmpty()) {
                    System.out.println("error frames: " + watcher.errors().size() + ", first: " + watcher.errors().get(0));
                }
            }
            System.out.println(PipelineBenchmark.durability(stack));
            System.out.printf("settings: rate=%d/s seconds=%d delayMs=%d warmUp=%d s cores=%d; api and worker defaults%n",
                    rate, seconds, delayMs, warmUpSeconds, Runtime.getRuntime().availableProcessors());
        }
    }

    /** One stretch of offered load and what became of each submission in it. */
    private static final class Phase {

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final HttpRequest submit;
        private final FinalEventWatcher watcher;
        private final LocalStack stack;
        private final Map<String, Instant> sentAt = new ConcurrentHashMap<>();
        private final List<Long> acceptedAfter = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger offered = new AtomicInteger();
        private final AtomicInteger answered = new AtomicInteger();
        private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        private final Semaphore connections = new Semaphore(CONNECTIONS);
        private Instant firstSent;

        /** {@code watcher} may be null: then final states are read from PostgreSQL. */
        Phase(String apiBaseUrl, String apiKey, String body, FinalEventWatcher watcher, LocalStack stack) {
            this.submit = HttpRequest.newBuilder(URI.create(apiBaseUrl + "/api/v1/tasks"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + apiKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            this.watcher = watcher;
            this.stack = stack;
        }

        /**
         * Sends {@code rate} submissions a second for {@code seconds}, on a schedule, not on
         * answers. At most {@link #CONNECTIONS} are in flight, as from a web app's pool of
         * keep-alive connections (left unbounded, the JDK client opens a connection for every
         * request that finds none idle, thousands under a backlog). A submission that has to wait
         * for a connection is timed from when it was due, so that wait counts as latency.
         */
        void offer(int rate, int seconds) throws InterruptedException {
            long total = (long) rate * seconds;
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            Instant startedAt = Instant.now();
            firstSent = startedAt;
            for (long i = 0; i < total; i++) {
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                connections.acquire();
                offered.incrementAndGet();
                Instant sent = startedAt.plusNanos(due - start);
                http.sendAsync(submit, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                    connections.release();
                    answered.incrementAndGet();
                    if (failure != null) {
                        refusals.computeIfAbsent(failure.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                    } else if (response.statusCode() != 202) {
                        refusals.computeIfAbsent("HTTP " + response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    } else {
                        String id = idOf(response.body());
                        acceptedAfter.add(Duration.between(sent, Instant.now()).toNanos());
                        sentAt.put(id, sent);
                        if (watcher != null) {
                            watcher.follow(id);
                        }
                    }
                });
            }
        }

        /** Waits until every accepted task's final state has arrived; false if some never did. */
        boolean awaitFinal(Duration patience) throws Exception {
            long deadline = System.nanoTime() + patience.toNanos();
            while (System.nanoTime() < deadline) {
                if (answered.get() == offered.get() && arrivedCount() == sentAt.size()) {
                    return true;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            return false;
        }

        /** How many final states arrived so far, counted where they are (cheap enough to ask often). */
        private int arrivedCount() throws Exception {
            if (watcher != null) {
                return (int) sentAt.keySet().stream().filter(id -> watcher.arrival(id) != null).count();
            }
            return finishedCount(stack, new ArrayList<>(sentAt.keySet()));
        }

        /** The final states that reached the client (watched) or were stored (not watched). */
        private Map<String, FinalEventWatcher.Arrival> arrivals() throws Exception {
            Map<String, FinalEventWatcher.Arrival> arrivals = new ConcurrentHashMap<>();
            if (watcher != null) {
                sentAt.keySet().forEach(id -> {
                    FinalEventWatcher.Arrival arrival = watcher.arrival(id);
                    if (arrival != null) {
                        arrivals.put(id, arrival);
                    }
                });
            } else {
                finished(stack, new ArrayList<>(sentAt.keySet())).forEach((id, stored) ->
                        arrivals.put(id, new FinalEventWatcher.Arrival(stored.at(), stored.status(), false)));
            }
            return arrivals;
        }

        /** {@code tap} (null when not watching) splits the push latency at the Redis channel. */
        void report(int rate, int seconds, int delayMs, boolean allArrived, EventChannelTap tap) throws Exception {
            Map<String, Stored> stored = finished(stack, new ArrayList<>(sentAt.keySet()));
            Map<String, FinalEventWatcher.Arrival> arrivals = arrivals();
            List<Long> endToEnd = new ArrayList<>();
            List<Long> push = new ArrayList<>();
            List<Long> storedToPublished = new ArrayList<>();
            List<Long> publishedToClient = new ArrayList<>();
            Instant lastArrival = firstSent;
            int succeeded = 0;
            int inSnapshot = 0;
            for (Map.Entry<String, Instant> task : sentAt.entrySet()) {
                FinalEventWatcher.Arrival arrival = arrivals.get(task.getKey());
                if (arrival == null) {
                    continue;
                }
                if ("SUCCEEDED".equals(arrival.status())) {
                    succeeded++;
                }
                lastArrival = arrival.at().isAfter(lastArrival) ? arrival.at() : lastArrival;
                endToEnd.add(Duration.between(task.getValue(), arrival.at()).toNanos());
                Stored outcome = stored.get(task.getKey());
                if (arrival.pushed() && outcome != null) {
                    push.add(Duration.between(outcome.at(), arrival.at()).toNanos());
                    Instant published = tap == null ? null : tap.finalPublishedAt(task.getKey());
                    if (published != null) {
                        storedToPublished.add(Duration.between(outcome.at(), published).toNanos());
                        publishedToClient.add(Duration.between(published, arrival.at()).toNanos());
                    }
                } else if (watcher != null) {
                    inSnapshot++;
                }
            }
            double completedPerSecond = endToEnd.size() / (Duration.between(firstSent, lastArrival).toNanos() / 1e9);
            System.out.printf("offered %d echo tasks of %d ms at %d/s for %d s; accepted %d; refused %s; final state arrived for %d (%s); SUCCEEDED %d%n",
                    offered.get(), delayMs, rate, seconds, sentAt.size(), refusals, endToEnd.size(),
                    allArrived ? "all" : "NOT ALL", succeeded);
            System.out.printf("completed at %.0f tasks/s = %.1f%% of the offered rate (first submit to last final event)%n",
                    completedPerSecond, 100 * completedPerSecond / rate);
            System.out.println("submit (sent -> 202 received): " + percentiles(new ArrayList<>(acceptedAfter)));
            if (watcher != null) {
                System.out.println("end to end (submit sent -> final event received): " + percentiles(endToEnd));
                System.out.println("push (outcome stored -> final event received): " + percentiles(push)
                        + "; final state already in the snapshot: " + inSnapshot);
                System.out.println("  worker's part (outcome stored -> published on " + RedisNames.EVENT_CHANNEL + "): "
                        + percentiles(storedToPublished));
                System.out.println("  api's part (published -> final event received): " + percentiles(publishedToClient));
            } else {
                System.out.println("end to end (submit sent -> outcome stored): " + percentiles(endToEnd));
            }
            System.out.println(timeline(stack, firstSent));
        }

        private static String idOf(String body) {
            try {
                return JSON.readTree(body).path("id").asText();
            } catch (Exception e) {
                throw new IllegalStateException("a 202 without a task id: " + body, e);
            }
        }
    }

    /** One gauge's value from the service's Prometheus endpoint. */
    static String gauge(ServiceProcess service, String name) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).findFirst().orElse("not reported");
    }

    /** A stored final state and when the worker stored it. */
    private record Stored(String status, Instant at) {
    }

    /** How many of the tasks among {@code ids} are finished. */
    private static int finishedCount(LocalStack stack, List<String> ids) throws Exception {
        int finished = 0;
        try (Connection db = stack.postgres().connect();
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM tasks"
                        + " WHERE id = ANY (?::uuid[]) AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
            for (int from = 0; from < ids.size(); from += 1000) {
                query.setArray(1, db.createArrayOf("text", ids.subList(from, Math.min(ids.size(), from + 1000)).toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    finished += rows.getInt(1);
                }
            }
        }
        return finished;
    }

    /** The tasks among {@code ids} that are finished, with when the worker stored the outcome. */
    private static Map<String, Stored> finished(LocalStack stack, List<String> ids) throws Exception {
        Map<String, Stored> stored = new ConcurrentHashMap<>();
        try (Connection db = stack.postgres().connect();
                PreparedStatement query = db.prepareStatement("SELECT id::text, status, finished_at FROM tasks"
                        + " WHERE id = ANY (?::uuid[]) AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
            for (int from = 0; from < ids.size(); from += 1000) {
                query.setArray(1, db.createArrayOf("text", ids.subList(from, Math.min(ids.size(), from + 1000)).toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        stored.put(rows.getString(1), new Stored(rows.getString(2),
                                rows.getObject(3, OffsetDateTime.class).toInstant()));
                    }
                }
            }
        }
        return stored;
    }

    /** Where the stored tasks of the phase spent their time: waiting to start, and running. */
    private static String timeline(LocalStack stack, Instant since) throws Exception {
        String sql = "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                + " percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))"
                + " FROM tasks WHERE created_at >= ? AND finished_at IS NOT NULL";
        try (Connection db = stack.postgres().connect(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, since.atOffset(ZoneOffset.UTC));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                Double[] waited = (Double[]) row.getArray(1).getArray();
                Double[] ran = (Double[]) row.getArray(2).getArray();
                return String.format("stored -> started p50 %.1f ms, p99 %.1f ms; started -> outcome stored p50 %.1f ms, p99 %.1f ms",
                        waited[0] * 1000, waited[1] * 1000, ran[0] * 1000, ran[1] * 1000);
            }
        }
    }

    static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "none";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return String.format("n %d, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.length,
                at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
