package io.taskgate.worker.handler;

import io.taskgate.model.TaskError;
import java.time.Duration;

/** A handler's way to fail a task with a chosen error code and retry advice. */
public class TaskFailure extends RuntimeException {

    private final transient TaskError error;
    private final Duration retryAfter;

    public TaskFailure(TaskError error) {
        this(error, null);
    }

    /**
     * A failure whose retry must not come sooner than {@code retryAfter} (an upstream's
     * Retry-After, for instance): the task's retry waits the longer of this and its backoff.
     */
    public TaskFailure(TaskError error, Duration retryAfter) {
        super(error.code() + ": " + error.message());
        this.error = error;
        this.retryAfter = retryAfter;
    }

    public static TaskFailure invalidInput(String message) {
        return new TaskFailure(TaskError.permanent("INVALID_INPUT", message));
    }

    public TaskError error() {
        return error;
    }

    /** The earliest a retry may come, or null when the retry policy alone decides. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
