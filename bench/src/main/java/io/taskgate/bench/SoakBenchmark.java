package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.io.PrintWriter;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * A long run at half of what the system can do, with the mix of work a web app sends, to show
 * that nothing accumulates: memory of both services and of Redis, the task stream, the retry set,
 * the dead letters, the tasks table (finished tasks are purged after five minutes here) and the
 * consumer group's lag, read every ten seconds.
 *
 * <p>First the capacity for the mix is measured: {@code capacityTasks} tasks are submitted by 64
 * clients as fast as the api takes them (after half as many to warm both services up), and the
 * capacity is the number of tasks over the time until 95 % of them had finished (the last few
 * wait for retry backoff). Then tasks are offered at half that rate (or {@code rate} when given) for
 * {@code minutes}; every tenth accepted task is followed over a WebSocket. Every reading goes to
 * {@code soak.csv} in the run's directory; a row per minute is printed, then how the last five
 * minutes compare with minutes 5 to 10.
 *
 * <p>Arguments (optional): minutes (30), tasks per second (0 = half the measured capacity),
 * capacity tasks (20,000).
 */
public final class SoakBenchmark {

    private static final int SAMPLE_SECONDS = 10;

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 0;
        int capacityTasks = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("soak-" + System.currentTimeMillis());
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-api", 0, PipelineBenchmark.UNREACHED_BUDGETS);
            ServiceProcess simulator = stack.startLlmSimulator(0);
            // A short completion: first token after 50 ms, 20 tokens in about 300 ms.
            LlmChatBenchmark.configure(simulator, "{\"firstTokenMs\":50,\"tokensPerSecond\":76,\"replyTokens\":20,"
                    + "\"errorRate\":0,\"rateLimitRate\":0,\"hangRate\":0}");
            ServiceProcess worker = stack.startWorker("bench-worker", 0, Map.of(
                    "taskgate.verify.allowed-hosts", "127.0.0.1",
                    "taskgate.verify.allow-private-addresses", "true",
                    "taskgate.worker.retention.finished-tasks", "5m"));
            String key = stack.issueApiKey(api, "bench", "soak benchmark", "submit", "read");
            List<MixedLoad.Kind> mix = mix(simulator.baseUrl());

            try (FinalEventWatcher watcher = new FinalEventWatcher(api.baseUrl(), key, 8);
                    MixedLoad capacityLoad = new MixedLoad(api.baseUrl(), key, mix)) {
                // Once to warm both services up, once to measure.
                Instant warmUpStart = Instant.now();
                capacityLoad.closedLoop(capacityTasks / 2, 64, id -> { });
                capacity(stack, warmUpStart, capacityLoad.accepted.get());
                long warmedUp = capacityLoad.accepted.get();
                Instant capacityStart = Instant.now();
                capacityLoad.closedLoop(capacityTasks, 64, id -> { });
                double capacity = capacity(stack, capacityStart, capacityLoad.accepted.get() - warmedUp);
                double offered = rate > 0 ? rate : capacity / 2;
                System.out.printf("capacity for the mix: %.0f tasks/s (%d tasks, 64 clients); offering %.0f tasks/s for %d min%n",
                        capacity, capacityTasks, offered, minutes);
                System.out.println("mix: " + mix.stream().map(kind -> kind.name() + " " + kind.weight() + "%").toList());

                AtomicLong followed = new AtomicLong();
                List<SoakSample> samples = soak(stack, api, worker, key, watcher, followed, mix, offered, minutes, data);
                summarize(samples);
                System.out.printf("WebSocket followers: final state received for %d of %d followed tasks; error frames %d%n",
                        watcher.arrived(), followed.get(), watcher.errors().size());
            }
            System.out.println(PipelineBenchmark.durability(stack));
            System.out.printf("settings: minutes=%d sample=%d s cores=%d; finished tasks kept 5 min; otherwise defaults%n",
                    minutes, SAMPLE_SECONDS, Runtime.getRuntime().availableProcessors());
        }
    }

    /** What a web app with several kinds of slow work sends, in percent. */
    private static List<MixedLoad.Kind> mix(String simulatorUrl) {
        return List.of(
                new MixedLoad.Kind("echo", 40, "{\"type\":\"echo\",\"input\":{\"message\":\"soak\"}}"),
                new MixedLoad.Kind("echo 100 ms", 25, "{\"type\":\"echo\",\"input\":{\"message\":\"soak\",\"delayMs\":100}}"),
                new MixedLoad.Kind("llm.chat", 20, "{\"type\":\"llm.chat\",\"input\":{\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"soak\"}]}}"),
                new MixedLoad.Kind("http.verify", 10, "{\"type\":\"http.verify\",\"input\":{\"url\":\""
                        + simulatorUrl + "/_sim/health\",\"expect\":{\"status\":200}}}"),
                new MixedLoad.Kind("flaky, one retry", 4, "{\"type\":\"flaky\",\"input\":{\"failAttempts\":1}}"),
                new MixedLoad.Kind("flaky, not retryable", 1, "{\"type\":\"flaky\",\"input\":{\"failAttempts\":1,\"retryable\":false}}"));
    }

    /** Tasks per second from {@code start} until 95 % of the {@code tasks} tasks created since had finished. */
    private static double capacity(LocalStack stack, Instant start, long tasks) throws Exception {
        try (Connection db = stack.postgres().connect();
                PreparedStatement done = db.prepareStatement("SELECT count(*) FROM tasks WHERE status IN"
                        + " ('SUCCEEDED', 'FAILED', 'CANCELLED') AND created_at >= ?");
                PreparedStatement at95 = db.prepareStatement("SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY finished_at)"
                        + " FROM tasks WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND created_at >= ?")) {
            done.setObject(1, start.atOffset(ZoneOffset.UTC));
            at95.setObject(1, start.atOffset(ZoneOffset.UTC));
            // Well inside the five minutes after which finished tasks are purged and would stop counting.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            long finishedSoFar = 0;
            while (finishedSoFar < tasks) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + finishedSoFar + " of " + tasks + " tasks finished in 4 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(500);
                try (ResultSet row = done.executeQuery()) {
                    row.next();
                    finishedSoFar = row.getLong(1);
                }
            }
            try (ResultSet row = at95.executeQuery()) {
                row.next();
                Instant finished = row.getObject(1, OffsetDateTime.class).toInstant();
                return 0.95 * tasks / (Duration.between(start, finished).toNanos() / 1e9);
            }
        }
    }

    private static List<SoakSample> soak(LocalStack stack, ServiceProcess api, ServiceProcess worker,
            String key, FinalEventWatcher watcher, AtomicLong followed, List<MixedLoad.Kind> mix, double rate,
            int minutes, Path data) throws Exception {
        List<SoakSample> samples = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        try (MixedLoad load = new MixedLoad(api.baseUrl(), key, mix);
                PrintWriter csv = new PrintWriter(Files.newBufferedWriter(data.resolve("soak.csv")))) {
            csv.println(SoakSample.CSV_HEADER);
            System.out.println(SoakSample.HEADER);
            load.start(rate, id -> {
                if (accepted.incrementAndGet() % 10 == 0) {
                    followed.incrementAndGet();
                    watcher.follow(id);
                }
            });
            long started = System.nanoTime();
            Instant previous = Instant.now();
            long previousSubmitted = 0;
            for (int n = 1; n <= minutes * 60 / SAMPLE_SECONDS; n++) {
                long due = started + TimeUnit.SECONDS.toNanos((long) n * SAMPLE_SECONDS);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                Instant now = Instant.now();
                long submitted = load.offered();
                SoakSample sample = SoakSample.take((long) n * SAMPLE_SECONDS, (submitted - previousSubmitted) / SAMPLE_SECONDS,
                        previous, now, stack, api, worker);
                samples.add(sample);
                csv.println(sample.csv());
                csv.flush();
                if (n % (60 / SAMPLE_SECONDS) == 0) {
                    System.out.println(sample.row());
                }
                previous = now;
                previousSubmitted = submitted;
            }
            load.close();
            System.out.printf("accepted %d, refused %s, not sent for want of a free connection %d%n",
                    load.accepted.get(), load.refusals, load.notSent.get());
            awaitDrained(stack);
        }
        return samples;
    }

    private static void awaitDrained(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect();
                PreparedStatement open = db.prepareStatement("SELECT count(*) FROM tasks WHERE status IN ('QUEUED', 'RUNNING')")) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            long left = -1;
            while (System.nanoTime() < deadline) {
                try (ResultSet row = open.executeQuery()) {
                    row.next();
                    left = row.getLong(1);
                }
                if (left == 0) {
                    break;
                }
                TimeUnit.SECONDS.sleep(1);
            }
            System.out.println("tasks not finished after the load stopped and 3 minutes passed: " + left);
        }
    }

    /** Mean of each figure over minutes 5 to 10 against the last five minutes, and its largest value. */
    private static void summarize(List<SoakSample> samples) {
        int perMinute = 60 / SAMPLE_SECONDS;
        if (samples.size() < 15 * perMinute) {
            System.out.println("(too short to compare minutes 5-10 with the last five)");
            return;
        }
        List<SoakSample> early = samples.subList(5 * perMinute, 10 * perMinute);
        List<SoakSample> late = samples.subList(samples.size() - 5 * perMinute, samples.size());
        System.out.println("\n| figure | minutes 5-10 | last 5 minutes | last / early | largest |");
        System.out.println("|---|---|---|---|---|");
        compare("completed/s", samples, early, late, SoakSample::completedPerSecond, false);
        compare("api heap in use", samples, early, late, SoakSample::apiHeap, true);
        compare("api live data", samples, early, late, SoakSample::apiLive, true);
        compare("api RSS", samples, early, late, SoakSample::apiRss, true);
        compare("worker heap in use", samples, early, late, SoakSample::workerHeap, true);
        compare("worker live data", samples, early, late, SoakSample::workerLive, true);
        compare("worker RSS", samples, early, late, SoakSample::workerRss, true);
        compare("Redis memory", samples, early, late, SoakSample::redisMemory, true);
        compare("task stream length", samples, early, late, SoakSample::streamLength, false);
        compare("group lag", samples, early, late, SoakSample::groupLag, false);
        compare("group pending", samples, early, late, SoakSample::groupPending, false);
        compare("retries waiting", samples, early, late, SoakSample::retriesWaiting, false);
        compare("dead letters", samples, early, late, SoakSample::deadLetters, false);
        compare("task rows", samples, early, late, SoakSample::taskRows, false);
        compare("tasks table size", samples, early, late, SoakSample::tableBytes, true);
    }

    private static void compare(String name, List<SoakSample> all, List<SoakSample> early, List<SoakSample> late,
            ToLongFunction<SoakSample> figure, boolean bytes) {
        double before = early.stream().mapToLong(figure).average().orElse(0);
        double after = late.stream().mapToLong(figure).average().orElse(0);
        long largest = all.stream().mapToLong(figure).max().orElse(0);
        System.out.printf("| %s | %s | %s | %s | %s |%n", name, shown(before, bytes), shown(after, bytes),
                before == 0 ? "-" : String.format("%.2f", after / before), shown(largest, bytes));
    }

    private static String shown(double value, boolean bytes) {
        return bytes ? ProcessMemory.mib((long) value) : String.format("%,.0f", value);
    }
}
