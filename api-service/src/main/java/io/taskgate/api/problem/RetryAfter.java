package io.taskgate.api.problem;

import java.time.Duration;

/** How a wait is written in {@code Retry-After} and the RateLimit headers. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Whole seconds, rounded up, at least one: a client told 0 would come back at once and be refused again. */
    public static long seconds(Duration wait) {
        long millis = wait.toMillis();
        return Math.max(1, (millis + 999) / 1_000);
    }
}
