package io.taskgate.worker.handler.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.handler.TaskContext;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import io.taskgate.worker.handler.TaskDeferral;
import io.taskgate.worker.upstream.FleetRateLimiter;
import io.taskgate.worker.upstream.UpstreamBreakers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;

/**
 * {@code llm.chat}: one chat completion from an OpenAI-compatible provider, streamed. Each piece
 * of content is pushed to the task's subscribers as it arrives; the result is the whole text,
 * the finish reason and the token usage.
 *
 * <p>Input: {@code {"messages": [{"role": "user", "content": "..."}], "model"?: "...",
 * "maxTokens"?: n, "temperature"?: x}}.
 *
 * <p>The call runs under a guard for the provider: a total timeout, a bulkhead (at most
 * {@code max-concurrent-calls} in flight from this worker) and a circuit breaker named
 * {@value #BREAKER} that stops calling a provider that keeps failing. Retries are the task's:
 * every failure becomes a task error with a stable code and retry advice (honouring the
 * provider's Retry-After), and the retry waits in the queue without holding a worker slot.
 */
@ApplicationScoped
public class LlmChatHandler implements TaskHandler {

    public static final String BREAKER = "llm";

    private final LlmStreamClient client;
    private final LlmConfig config;
    private final ObjectMapper json;
    private final TypedGuard<Uni<ChatResult>> guard;
    private final FleetRateLimiter limiter;
    private final MeterRegistry meters;

    LlmChatHandler(LlmStreamClient client, LlmConfig config, ObjectMapper json, UpstreamBreakers breakers,
            FleetRateLimiter limiter, MeterRegistry meters) {
        this.client = client;
        this.meters = meters;
        this.limiter = limiter;
        this.config = config;
        this.json = json;
        LlmConfig.Breaker breaker = config.breaker();
        breakers.register(BREAKER, breaker.window());
        this.guard = TypedGuard.create(new TypeLiteral<Uni<ChatResult>>() { })
                .withDescription("calls to the LLM provider")
                .withTimeout().duration(config.totalTimeout().toMillis(), ChronoUnit.MILLIS).done()
                .withBulkhead().limit(config.maxConcurrentCalls()).queueSize(config.maxQueuedCalls()).done()
                .withCircuitBreaker()
                    .name(BREAKER)
                    .requestVolumeThreshold(breaker.window())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(breaker.successThreshold())
                    .when(UpstreamFailures::countsAgainstProvider)
                    .onStateChange(state -> breakers.transitioned(BREAKER, state.name()))
                    .onSuccess(() -> breakers.recordCall(BREAKER, "success", false))
                    .onFailure(() -> breakers.recordCall(BREAKER, "failure", true))
                    .onPrevented(() -> breakers.recordCall(BREAKER, "prevented", false))
                    .done()
                .build();
    }

    @Override
    public String type() {
        return "llm.chat";
    }

    /** The built-in schema, with this worker's own ceiling on maxTokens. */
    @Override
    public java.util.Optional<JsonNode> inputSchema() {
        ObjectNode schema = io.taskgate.worker.handler.InputSchemas.load("llm-chat");
        schema.withObject("/properties/maxTokens").put("maximum", config.maxTokens());
        return java.util.Optional.of(schema);
    }

    @Override
    public Uni<JsonNode> handle(JsonNode input, TaskContext context) {
        ObjectNode request = ChatRequest.from(input, config, json);
        // Cancelling the task or timing out must close the provider's connection; the guard does
        // not pass cancellation inward, so the stream is abandoned explicitly when this call ends.
        CompletableFuture<Void> abandon = new CompletableFuture<>();
        Timer.Sample timing = Timer.start(meters);
        return limiter.admit(BREAKER, config.requestsPerMinute().orElse(null), config.tokensPerMinute().orElse(null))
                .invoke(this::deferIfLimited)
                .chain(() -> guard.get(() -> streamInto(request, context, abandon))
                        .onFailure().transform(failure -> UpstreamFailures.toTaskFailure(failure, config.breaker().delay())))
                .call(result -> limiter.recordTokens(BREAKER, config.tokensPerMinute().orElse(null), result.totalTokens()))
                .map(result -> result.toJson(json))
                .onTermination().invoke((result, failure, cancelled) -> {
                    abandon.complete(null);
                    String outcome = cancelled ? "cancelled" : failure == null ? "success" : failureCode(failure);
                    timing.stop(meters.timer("taskgate.upstream.call.duration", "upstream", BREAKER, "outcome", outcome));
                });
    }

    private static String failureCode(Throwable failure) {
        return failure instanceof TaskFailure taskFailure ? taskFailure.error().code()
                : failure instanceof TaskDeferral ? "deferred" : "error";
    }

    /**
     * Over the fleet's limit: the task goes back to the queue until a slot frees, giving its
     * worker slot to other work. A little jitter keeps the waiting tasks from all returning at
     * the same millisecond.
     */
    private void deferIfLimited(Duration wait) {
        if (!wait.isZero()) {
            throw new TaskDeferral(wait.plusMillis(ThreadLocalRandom.current().nextLong(250)),
                    "the provider's fleet-wide rate limit is reached");
        }
    }

    /** Streams the completion, pushing each piece of content in order before asking for the next. */
    private Uni<ChatResult> streamInto(ObjectNode request, TaskContext context, CompletableFuture<Void> abandon) {
        ChatResult.Builder result = new ChatResult.Builder(request.path("model").asText());
        return client.stream(request, abandon)
                .onItem().call(part -> {
                    result.add(part);
                    return part.content() == null ? Uni.createFrom().voidItem() : context.output(part.content());
                })
                .collect().last()
                .map(ignored -> result.build());
    }

}
