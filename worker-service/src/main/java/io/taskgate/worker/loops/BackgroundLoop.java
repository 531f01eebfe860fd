package io.taskgate.worker.loops;

import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * One background loop that talks to Redis or PostgreSQL (the retry mover, the sweeper, a
 * subscription…). When its dependency goes away it logs one WARN, while it stays away each failed
 * round only increments {@code taskgate.background.failures{loop}}, and when it is back it logs one
 * INFO with what the outage cost. A loop that runs four times a second during a Redis outage thus
 * writes two lines, not four a second.
 *
 * <p>Lines are logged under the owning class's category, so they read like the loop's own.
 */
public final class BackgroundLoop {

    public static final String FAILURES_METRIC = "taskgate.background.failures";

    private final String name;
    private final Logger log;
    private final Counter failures;
    private final Clock clock;
    private final OutageState state = new OutageState();

    BackgroundLoop(String name, Logger log, Counter failures, Clock clock) {
        this.name = name;
        this.log = log;
        this.failures = failures;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

    /** A round that reached its dependency, whatever it found to do. */
    public void succeeded() {
        if (!state.isFailing()) {
            return;
        }
        state.succeeded(clock.instant()).ifPresent(outage -> log.infof(
                "%s works again after %d failed round(s) over %.1f s (first: %s)",
                name, outage.failures(), outage.lasted().toMillis() / 1000.0, outage.firstFailure()));
    }

    /** A round that could not reach its dependency; the loop will try again on its own schedule. */
    public void failed(Throwable failure) {
        failures.increment();
        String reason = describe(failure);
        if (state.failed(clock.instant(), reason)) {
            log.warnf("%s is failing (%s); it keeps retrying on its schedule, and logs again when it works."
                    + " Failed rounds are counted in %s{loop=%s}", name, reason, FAILURES_METRIC, name);
        }
    }

    /** {@code round} with its outcome reported here; the failure still reaches the caller. */
    public <T> Uni<T> watch(Uni<T> round) {
        return round.invoke(this::succeeded).onFailure().invoke(this::failed);
    }

    public boolean isFailing() {
        return state.isFailing();
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
