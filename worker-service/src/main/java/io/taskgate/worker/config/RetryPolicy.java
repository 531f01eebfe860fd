package io.taskgate.worker.config;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** When and how often a task type is retried, and how long one attempt may take. */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
        double jitter, Duration timeout) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1");
        }
    }

    /** Whether a task that has made {@code attempts} attempts may make another. */
    public boolean allowsAnotherAfter(int attempts) {
        return attempts < maxAttempts;
    }

    /**
     * The wait before the retry that follows attempt {@code attempt} (1-based): exponential,
     * capped, then shortened by up to {@code jitter} of itself.
     */
    public Duration backoffAfter(int attempt, DoubleSupplier random) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        double jittered = capped * (1 - jitter * random.getAsDouble());
        return Duration.ofMillis(Math.round(jittered));
    }
}
