package io.taskgate.api.limits;

import java.time.Duration;

/**
 * One counted budget: {@code quota} requests per {@code window}, refilled evenly. {@code name}
 * is what the RateLimit headers call it and {@code bucket} the Redis key its count lives under.
 */
public record RateBudget(String name, String bucket, int quota, Duration window) {

    public RateBudget {
        if (quota <= 0) {
            throw new IllegalArgumentException("a budget needs a positive quota: " + quota);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a budget needs a positive window: " + window);
        }
    }

    /** Microseconds after which one request's cost is back: the pace a budget allows once its burst is spent. */
    public long emissionIntervalMicros() {
        return Math.max(1, windowMicros() / quota);
    }

    public long windowMicros() {
        return window.toNanos() / 1_000;
    }

    public long windowSeconds() {
        return Math.max(1, (window.toMillis() + 999) / 1_000);
    }
}
