package io.taskgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load: {@code concurrency} clients, each sending its next POST as soon as the
 * previous one is answered, until {@code total} have been sent. Every answer must be 202.
 */
final class SubmitLoad {

    private final URI tasksUri;
    private final String body;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Submits {@code body} to the api at {@code apiBaseUrl}, with {@code apiKey} (none when null). */
    SubmitLoad(String apiBaseUrl, String body, String apiKey) {
        this.tasksUri = URI.create(apiBaseUrl + "/api/v1/tasks");
        this.body = body;
        this.apiKey = apiKey;
    }

    LatencyRecorder.Summary run(int total, int concurrency) throws Exception {
        LatencyRecorder latencies = new LatencyRecorder(total);
        AtomicInteger remaining = new AtomicInteger(total);
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            running.add(clients.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    long sent = System.nanoTime();
                    int status = send();
                    latencies.record(System.nanoTime() - sent);
                    if (status != 202) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " submissions were not answered 202");
        }
        return latencies.summarize(elapsed);
    }

    private int send() throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(tasksUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
