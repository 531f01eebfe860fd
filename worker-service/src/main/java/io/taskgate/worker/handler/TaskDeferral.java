package io.taskgate.worker.handler;

import java.time.Duration;

/**
 * A handler's way to say "not now": the task goes back to the queue until {@code wait} has
 * passed, without counting as an attempt and without holding a worker slot meanwhile. For
 * waiting on a shared rate limit, say, before any work was done.
 */
public class TaskDeferral extends RuntimeException {

    private final Duration wait;

    public TaskDeferral(Duration wait, String reason) {
        super(reason, null, false, false);
        this.wait = wait;
    }

    public Duration waitFor() {
        return wait;
    }
}
