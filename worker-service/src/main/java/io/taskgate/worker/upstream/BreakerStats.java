package io.taskgate.worker.upstream;

import java.time.Instant;

/**
 * What one circuit breaker has seen lately: the outcome of its last calls (a ring of
 * {@code window} results, so the failure rate covers the same calls the breaker judges), and
 * its last state change. Updated from any thread; read by the publisher.
 */
public final class BreakerStats {

    private final String name;
    private final boolean[] failed;
    private int next;
    private int recorded;
    private volatile String state = "CLOSED";
    private volatile Instant lastTransitionAt;
    private volatile String previousState;

    BreakerStats(String name, int window) {
        this.name = name;
        this.failed = new boolean[Math.max(1, window)];
    }

    public String name() {
        return name;
    }

    synchronized void record(boolean failure) {
        failed[next] = failure;
        next = (next + 1) % failed.length;
        recorded = Math.min(recorded + 1, failed.length);
    }

    /** Fraction of the recent calls that failed; 0 before any call. */
    public synchronized double failureRate() {
        if (recorded == 0) {
            return 0;
        }
        int failures = 0;
        for (int i = 0; i < recorded; i++) {
            if (failed[i]) {
                failures++;
            }
        }
        return (double) failures / recorded;
    }

    void transition(String to, Instant at) {
        previousState = state;
        state = to;
        lastTransitionAt = at;
    }

    public String state() {
        return state;
    }

    public String previousState() {
        return previousState;
    }

    public Instant lastTransitionAt() {
        return lastTransitionAt;
    }
}
