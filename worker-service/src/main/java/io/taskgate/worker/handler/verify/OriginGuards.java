package io.taskgate.worker.handler.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.upstream.UpstreamBreakers;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * One SmallRye Fault Tolerance guard per verification origin (scheme, host and port): a bulkhead
 * and a circuit breaker named {@code verify:<origin>}, so one failing provider is left alone
 * while calls to the others go on. Only the origin's own trouble counts against it —
 * unavailability, timeouts, rate limiting — never a verification that simply failed.
 */
final class OriginGuards {

    /** Origins with a breaker of their own; beyond this many, the rest share one. */
    static final int MAX_ORIGINS = 256;
    private static final String SHARED = "other";
    private static final Set<String> ORIGIN_TROUBLE = Set.of("UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "UPSTREAM_RATE_LIMITED");

    private final Map<String, TypedGuard<Uni<JsonNode>>> guards = new ConcurrentHashMap<>();
    private final VerifyConfig config;
    private final UpstreamBreakers breakers;

    OriginGuards(VerifyConfig config, UpstreamBreakers breakers) {
        this.config = config;
        this.breakers = breakers;
    }

    /** Runs the call under its origin's guard, turning the guard's own refusals into task errors. */
    Uni<JsonNode> call(String origin, java.util.function.Supplier<Uni<JsonNode>> call) {
        String key = guards.size() < MAX_ORIGINS || guards.containsKey(origin) ? origin : SHARED;
        long started = System.nanoTime();
        return guards.computeIfAbsent(key, this::newGuard).get(call)
                .onTermination().invoke((answer, failure, cancelled) -> breakers.recordLatency("verify:" + key,
                        cancelled ? "cancelled" : failure == null ? "success"
                                : failure instanceof TaskFailure taskFailure ? taskFailure.error().code() : "error",
                        java.time.Duration.ofNanos(System.nanoTime() - started)))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> new TaskFailure(
                        TaskError.transientError("CIRCUIT_OPEN", "calls to " + origin + " are paused after repeated failures"),
                        config.breakerDelay()))
                .onFailure(BulkheadException.class).transform(full -> new TaskFailure(
                        TaskError.transientError("UPSTREAM_BUSY", "this worker has as many calls to " + origin
                                + " in flight as it allows")));
    }

    private TypedGuard<Uni<JsonNode>> newGuard(String origin) {
        String name = "verify:" + origin;
        breakers.register(name, config.breakerWindow());
        return TypedGuard.create(new TypeLiteral<Uni<JsonNode>>() { })
                .withDescription("verification calls to " + origin)
                .withBulkhead().limit(config.maxConcurrentPerOrigin()).queueSize(config.maxConcurrentPerOrigin() * 4).done()
                // Unnamed on purpose: SmallRye's breaker names are global to the JVM, while these
                // are per handler instance; visibility comes from UpstreamBreakers under our name.
                .withCircuitBreaker()
                    .requestVolumeThreshold(config.breakerWindow())
                    .failureRatio(config.breakerFailureRatio())
                    .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .when(OriginGuards::isOriginTrouble)
                    .onStateChange(state -> breakers.transitioned(name, state.name()))
                    .onSuccess(() -> breakers.recordCall(name, "success", false))
                    .onFailure(() -> breakers.recordCall(name, "failure", true))
                    .onPrevented(() -> breakers.recordCall(name, "prevented", false))
                    .done()
                .build();
    }

    private static boolean isOriginTrouble(Throwable failure) {
        return !(failure instanceof TaskFailure taskFailure) || ORIGIN_TROUBLE.contains(taskFailure.error().code());
    }
}
