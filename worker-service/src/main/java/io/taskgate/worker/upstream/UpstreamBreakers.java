package io.taskgate.worker.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.function.Consumer;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuit breakers of this worker's upstreams, made visible: their state, recent failure
 * rate and last transition, as Micrometer metrics and as {@link BreakerTransition} events that
 * the publisher sends on to the api (health endpoint, WebSocket {@code system} topic).
 */
@ApplicationScoped
public class UpstreamBreakers {

    private final Map<String, BreakerStats> breakers = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Consumer<BreakerTransition> transitions;

    @Inject
    public UpstreamBreakers(MeterRegistry meters, Event<BreakerTransition> transitions) {
        this(meters, transitions::fireAsync);
    }

    /** For use outside CDI (tests): transitions go to {@code transitions}. */
    public UpstreamBreakers(MeterRegistry meters, Consumer<BreakerTransition> transitions) {
        this.meters = meters;
        this.transitions = transitions;
    }

    /** Registers a breaker; call once per upstream, when its guard is built. */
    public BreakerStats register(String name, int window) {
        return breakers.computeIfAbsent(name, key -> {
            BreakerStats stats = new BreakerStats(key, window);
            meters.gauge("taskgate.upstream.breaker.open", Tags.of("upstream", key), stats,
                    s -> "OPEN".equals(s.state()) ? 1 : 0);
            meters.gauge("taskgate.upstream.failure.rate", Tags.of("upstream", key), stats, BreakerStats::failureRate);
            return stats;
        });
    }

    /** Counts one call's outcome (for the failure rate and the per-upstream call counter). */
    public void recordCall(String name, String outcome, boolean failure) {
        BreakerStats stats = breakers.get(name);
        if (stats != null) {
            stats.record(failure);
        }
        meters.counter("taskgate.upstream.calls", "upstream", name, "outcome", outcome).increment();
    }

    /** Records how long one call to an upstream took and how it ended. */
    public void recordLatency(String name, String outcome, java.time.Duration took) {
        meters.timer("taskgate.upstream.call.duration", "upstream", name, "outcome", outcome).record(took);
    }

    /** Called by the fault-tolerance guard when a breaker changes state. */
    public void transitioned(String name, String to) {
        BreakerStats stats = breakers.get(name);
        if (stats == null) {
            return;
        }
        Instant now = Instant.now();
        String from = stats.state();
        stats.transition(to, now);
        transitions.accept(new BreakerTransition(name, from, to, now));
    }

    public Collection<BreakerStats> all() {
        return List.copyOf(breakers.values());
    }
}
