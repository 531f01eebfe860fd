package io.taskgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Submissions of a weighted mix of task types, as a web app with several kinds of slow work
 * makes them: either as fast as a fixed number of clients can ({@link #closedLoop}), or at a
 * fixed rate whatever the answers ({@link #start}), an open loop with at most
 * {@link #IN_FLIGHT} submits outstanding (a due submit that finds none free is counted, not
 * queued, so an overloaded api shows as shortfall instead of hiding in the load generator).
 */
final class MixedLoad implements AutoCloseable {

    static final int IN_FLIGHT = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One kind of task in the mix and how often it comes, relative to the others. */
    record Kind(String name, int weight, String body) {
    }

    private final List<Kind> kinds;
    private final int totalWeight;
    private final URI tasksUri;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong picks = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong notSent = new AtomicLong();
    final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();

    MixedLoad(String apiBaseUrl, String apiKey, List<Kind> kinds) {
        this.tasksUri = URI.create(apiBaseUrl + "/api/v1/tasks");
        this.apiKey = apiKey;
        this.kinds = kinds;
        this.totalWeight = kinds.stream().mapToInt(Kind::weight).sum();
    }

    /** Submits {@code total} tasks from {@code clients} clients that each wait for their answer. */
    void closedLoop(int total, int clients, Consumer<String> onAccepted) throws InterruptedException {
        Semaphore slots = new Semaphore(clients);
        for (int i = 0; i < total; i++) {
            slots.acquire();
            sequence.incrementAndGet();
            send(onAccepted).whenComplete((ignored, failure) -> slots.release());
        }
        slots.acquire(clients);
        slots.release(clients);
    }

    /** Starts submitting at {@code perSecond}, in ticks of 10 ms, until closed. */
    void start(double perSecond, Consumer<String> onAccepted) {
        long startedAt = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            // A tick that threw would end the schedule silently: count what went wrong instead.
            try {
                long due = (long) ((System.nanoTime() - startedAt) / 1e9 * perSecond);
                while (sequence.get() < due) {
                    sequence.incrementAndGet();
                    if (inFlight.tryAcquire()) {
                        send(onAccepted).whenComplete((ignored, failure) -> inFlight.release());
                    } else {
                        notSent.incrementAndGet();
                    }
                }
            } catch (RuntimeException e) {
                refusals.computeIfAbsent("load generator: " + e, k -> new AtomicLong()).incrementAndGet();
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Submits that were due so far, sent or not. */
    long offered() {
        return sequence.get();
    }

    private CompletableFuture<Void> send(Consumer<String> onAccepted) {
        Kind kind = pick(picks.getAndIncrement());
        HttpRequest request = HttpRequest.newBuilder(tasksUri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(kind.body())).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((answer, failure) -> {
            if (failure != null) {
                refusals.computeIfAbsent(failure.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            } else if (answer.statusCode() != 202) {
                refusals.computeIfAbsent(String.valueOf(answer.statusCode()), k -> new AtomicLong()).incrementAndGet();
            } else {
                String id = idOf(answer.body());
                if (id.isEmpty()) {
                    refusals.computeIfAbsent("202 without an id", k -> new AtomicLong()).incrementAndGet();
                } else {
                    accepted.incrementAndGet();
                    onAccepted.accept(id);
                }
            }
            return null;
        });
    }

    private static String idOf(String body) {
        try {
            return JSON.readTree(body).path("id").asText();
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * The kind of the {@code n}th submission: stepping through the weight's slots by a prime
     * spreads each kind evenly over time instead of sending them in runs.
     */
    private Kind pick(long n) {
        long slot = Math.floorMod(n * 7919, totalWeight);
        for (Kind kind : kinds) {
            slot -= kind.weight();
            if (slot < 0) {
                return kind;
            }
        }
        return kinds.get(kinds.size() - 1);
    }

    /** Stops offering and waits for the answers to every submit still out, so the counts are final. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS) || !inFlight.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("submits still unanswered a minute after the load stopped");
            }
            inFlight.release(IN_FLIGHT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
