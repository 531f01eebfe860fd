package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What polling costs: {@code GET /api/v1/tasks/{id}} and the first page of the task list against
 * the no-op {@code /q/health/live} of the same api-service, driven by wrk in alternating rounds
 * at {@code connections} connections, with authentication and rate limits on. The single read
 * is driven three times: on an api with its default settings, on a second api (same database
 * and Redis) with the view cache off, and on a third whose rate counts are not grouped
 * ({@code count-batch-size=1}: one script call per request). No worker runs; the tasks read stay queued, which is what a
 * poller of a busy system mostly sees.
 *
 * <p>Arguments (all optional): seconds per round (15), connections (400), rounds (2).
 */
public final class ReadBenchmark {

    private static final String ECHO = "{\"type\":\"echo\",\"input\":{\"message\":\"bench\"}}";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final int TASKS = 200;

    private ReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;

        Path root = Path.of(System.getProperty("taskgate.project.root", ".")).toAbsolutePath().normalize();
        Path data = Files.createDirectories(root.resolve("bench/target/runs")).resolve("reads-" + System.currentTimeMillis());
        Files.createDirectories(data);
        Wrk wrk = new Wrk(data);
        try (LocalStack stack = LocalStack.startInfrastructure(root, data, 0, 0)) {
            ServiceProcess api = stack.startApi("bench-reads", 0, PipelineBenchmark.UNREACHED_BUDGETS);
            Map<String, String> uncachedSettings = new HashMap<>(PipelineBenchmark.UNREACHED_BUDGETS);
            uncachedSettings.put("taskgate.api.tasks.view-cache.fresh-for", "0");
            ServiceProcess uncachedApi = stack.startApi("bench-reads-uncached", 0, uncachedSettings);
            Map<String, String> aloneSettings = new HashMap<>(PipelineBenchmark.UNREACHED_BUDGETS);
            aloneSettings.put("taskgate.api.limits.count-batch-size", "1");
            ServiceProcess aloneApi = stack.startApi("bench-reads-counted-alone", 0, aloneSettings);
            String key = stack.issueApiKey(api, "bench", "read benchmark", "submit", "read");
            String id = submit(api, key, TASKS);
            List<String> headers = List.of("Authorization: Bearer " + key);
            Path get = wrk.script("get", "GET", null, headers, 0);
            String one = api.baseUrl() + "/api/v1/tasks/" + id;
            String uncached = uncachedApi.baseUrl() + "/api/v1/tasks/" + id;
            String alone = aloneApi.baseUrl() + "/api/v1/tasks/" + id;
            String page = api.baseUrl() + "/api/v1/tasks?limit=20";
            String live = api.baseUrl() + "/q/health/live";
            for (String url : List.of(one, uncached, alone, page, live)) {
                wrk.run(url, get, connections, 10);
            }
            System.out.println("| round | GET one task | p99 | same, view cache off | p99 | same, each call counted "
                    + "alone | p99 | GET a page of 20 | p99 | /q/health/live | p99 |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            double oneSum = 0;
            double uncachedSum = 0;
            double aloneSum = 0;
            double pageSum = 0;
            double liveSum = 0;
            for (int round = 1; round <= rounds; round++) {
                Wrk.Result o = wrk.run(one, get, connections, seconds).allOk();
                Wrk.Result u = wrk.run(uncached, get, connections, seconds).allOk();
                Wrk.Result a = wrk.run(alone, get, connections, seconds).allOk();
                Wrk.Result p = wrk.run(page, get, connections, seconds).allOk();
                Wrk.Result l = wrk.run(live, get, connections, seconds).allOk();
                System.out.printf("| %d | %,.0f req/s | %.1f ms | %,.0f req/s | %.1f ms | %,.0f req/s | %.1f ms "
                        + "| %,.0f req/s | %.1f ms | %,.0f req/s | %.1f ms |%n", round, o.perSecond(), o.p99(),
                        u.perSecond(), u.p99(), a.perSecond(), a.p99(), p.perSecond(), p.p99(), l.perSecond(), l.p99());
                oneSum += o.perSecond();
                uncachedSum += u.perSecond();
                aloneSum += a.perSecond();
                pageSum += p.perSecond();
                liveSum += l.perSecond();
            }
            System.out.printf("GET one task / liveness = %.2f; view cache off / liveness = %.2f; each call counted "
                    + "alone / liveness = %.2f; GET a page of 20 / liveness = %.2f%n", oneSum / liveSum,
                    uncachedSum / liveSum, aloneSum / liveSum, pageSum / liveSum);
            System.out.printf("settings: seconds=%d connections=%d rounds=%d tasks=%d cores=%d%n",
                    seconds, connections, rounds, TASKS, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Submits {@code count} echo tasks and returns the id of the last. */
    private static String submit(ServiceProcess api, String key, int count) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String id = null;
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/tasks"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(ECHO)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher found = ID.matcher(answer.body());
            if (answer.statusCode() != 202 || !found.find()) {
                throw new IllegalStateException("submit answered " + answer.statusCode() + ": " + answer.body());
            }
            id = found.group(1);
        }
        return id;
    }

}
