package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grouped submits against ungrouped ones, in one run on one PostgreSQL and Redis: two
 * api-services, one with the default submit batching and one with {@code submit-batch-size=1},
 * both with authentication, rate limits (budgets no run reaches, so every submit is still
 * counted) and admission control on, and no worker. wrk drives each in alternating rounds at
 * {@code connections} connections. Then the grouped api is offered half the rate it reached,
 * once with submits and once with its no-op liveness endpoint, and the p99 latencies compared.
 *
 * <p>Arguments (all optional): seconds per round (20), connections (400), rounds (2), and the
 * rate-count batch size of both apis (the service default unless given; 1 counts each call alone).
 */
public final class SubmitBenchmark {

    private static final String ECHO = "{\"type\":\"echo\",\"input\":{\"message\":\"bench\"}}";
    private static final int PACED_CONNECTIONS = 100;

    private SubmitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, 0, 20);
        int connections = intArg(args, 1, 400);
        int rounds = intArg(args, 2, 2);
        int countBatchSize = intArg(args, 3, 0);

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("submit-" + System.currentTimeMillis());
        Files.createDirectories(data);
        Wrk wrk = new Wrk(data);
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            Map<String, String> settings = new HashMap<>(PipelineBenchmark.UNREACHED_BUDGETS);
            // No worker drains the stream: the backlog limits must not refuse what the run sends.
            settings.putAll(Map.of("taskgate.api.admission.max-unfinished-per-tenant", "100000000",
                    "taskgate.api.admission.max-backlog", "100000000", "taskgate.api.admission.max-wait", "24h"));
            if (countBatchSize > 0) {
                // Both apis alike: the rate counts' grouping is compared across runs, not within one.
                settings.put("taskgate.api.limits.count-batch-size", Integer.toString(countBatchSize));
            }
            ServiceProcess grouped = stack.startApi("bench-grouped", 0, settings);
            Map<String, String> ungroupedSettings = new HashMap<>(settings);
            ungroupedSettings.put("taskgate.api.tasks.submit-batch-size", "1");
            ServiceProcess ungrouped = stack.startApi("bench-batch-1", 0, ungroupedSettings);
            String key = stack.issueApiKey(grouped, "bench", "submit benchmark", "submit");
            List<String> headers = List.of("Content-Type: application/json", "Authorization: Bearer " + key);
            Path post = wrk.script("post", "POST", ECHO, headers, 0);

            String groupedUrl = grouped.baseUrl() + "/api/v1/tasks";
            String ungroupedUrl = ungrouped.baseUrl() + "/api/v1/tasks";
            wrk.run(groupedUrl, post, connections, 15);
            wrk.run(ungroupedUrl, post, connections, 15);

            System.out.println("| round | grouped (default settings) | p50 | p99 | batch size 1 | p50 | p99 |");
            System.out.println("|---|---|---|---|---|---|---|");
            double groupedSum = 0;
            double ungroupedSum = 0;
            double groupedBest = 0;
            for (int round = 1; round <= rounds; round++) {
                Wrk.Result g = wrk.run(groupedUrl, post, connections, seconds).allOk();
                Wrk.Result u = wrk.run(ungroupedUrl, post, connections, seconds).allOk();
                System.out.printf("| %d | %,.0f req/s | %.1f ms | %.1f ms | %,.0f req/s | %.1f ms | %.1f ms |%n",
                        round, g.perSecond(), g.p50(), g.p99(), u.perSecond(), u.p50(), u.p99());
                groupedSum += g.perSecond();
                ungroupedSum += u.perSecond();
                groupedBest = Math.max(groupedBest, g.perSecond());
            }
            System.out.printf("grouped / batch size 1 at %d connections = %.2f%n", connections, groupedSum / ungroupedSum);
            System.out.println("grouped api: " + batchSizes(grouped.baseUrl()));

            // Half the best grouped rate, offered by paced connections: each waits so long after
            // its answer that together they send about that many requests per second.
            double offered = groupedBest / 2;
            double pauseMs = PACED_CONNECTIONS * 1000 / offered;
            Path pacedPost = wrk.script("paced-post", "POST", ECHO, headers, pauseMs);
            Path pacedLive = wrk.script("paced-live", "GET", null, List.of(), pauseMs);
            String liveUrl = grouped.baseUrl() + "/q/health/live";
            wrk.run(groupedUrl, pacedPost, PACED_CONNECTIONS, 10);
            wrk.run(liveUrl, pacedLive, PACED_CONNECTIONS, 10);
            Wrk.Result submits = wrk.run(groupedUrl, pacedPost, PACED_CONNECTIONS, seconds).allOk();
            Wrk.Result live = wrk.run(liveUrl, pacedLive, PACED_CONNECTIONS, seconds).allOk();
            System.out.printf("offered about %,.0f req/s (%d connections, %.1f ms apart):%n", offered, PACED_CONNECTIONS, pauseMs);
            System.out.printf("  submit             %,.0f req/s  p50 %.2f ms  p99 %.2f ms%n", submits.perSecond(), submits.p50(), submits.p99());
            System.out.printf("  /q/health/live     %,.0f req/s  p50 %.2f ms  p99 %.2f ms%n", live.perSecond(), live.p50(), live.p99());
            System.out.printf("submit p99 / no-op p99 at half the grouped maximum = %.2f%n", submits.p99() / live.p99());
            System.out.println(PipelineBenchmark.durability(stack));
            System.out.printf("settings: seconds=%d connections=%d rounds=%d cores=%d%n",
                    seconds, connections, rounds, Runtime.getRuntime().availableProcessors());
        }
    }


    /** Mean and largest submit batch so far, from the api's own metrics. */
    static String batchSizes(String baseUrl) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double count = metric(metrics, "taskgate_submit_batch_size_count");
        double sum = metric(metrics, "taskgate_submit_batch_size_sum");
        return String.format("%,.0f batches, mean %.1f submits per batch", count, sum / count);
    }

    private static double metric(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
