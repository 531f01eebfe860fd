package io.taskgate.worker.loops;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a background loop can currently reach what it works on, as two states: working and
 * failing. Only the moves between them are worth telling an operator about; the failures in
 * between are counted, not logged. Safe for loops that report from several threads; a success
 * while working (every event published, every stream read) takes no lock.
 */
final class OutageState {

    /** What a failing stretch amounted to, once the loop works again. */
    record Outage(long failures, Duration lasted, String firstFailure) {
    }

    private volatile boolean failing;
    private long failures;
    private Instant since;
    private String firstFailure;

    /** Records one failure; true if it starts an outage (the loop was working until now). */
    synchronized boolean failed(Instant now, String reason) {
        failures++;
        if (failing) {
            return false;
        }
        failing = true;
        since = now;
        firstFailure = reason;
        return true;
    }

    /** Records one success; the outage it ends, if the loop was failing until now. */
    Optional<Outage> succeeded(Instant now) {
        return failing ? endOutage(now) : Optional.empty();
    }

    private synchronized Optional<Outage> endOutage(Instant now) {
        if (!failing) {
            return Optional.empty();
        }
        Outage ended = new Outage(failures, Duration.between(since, now), firstFailure);
        failing = false;
        failures = 0;
        since = null;
        firstFailure = null;
        return Optional.of(ended);
    }

    boolean isFailing() {
        return failing;
    }
}
