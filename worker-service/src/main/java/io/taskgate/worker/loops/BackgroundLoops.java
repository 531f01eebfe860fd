package io.taskgate.worker.loops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Makes the {@link BackgroundLoop} of each background duty, with its failure counter registered. */
@ApplicationScoped
public class BackgroundLoops {

    private final MeterRegistry meters;

    public BackgroundLoops(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A loop named {@code name} (the metric's {@code loop} tag), logging under {@code owner}'s category. */
    public BackgroundLoop loop(String name, Class<?> owner) {
        Counter failures = Counter.builder(BackgroundLoop.FAILURES_METRIC)
                .description("Rounds of a background loop that could not reach Redis or PostgreSQL")
                .tag("loop", name)
                .register(meters);
        return new BackgroundLoop(name, Logger.getLogger(owner), failures, Clock.systemUTC());
    }
}
