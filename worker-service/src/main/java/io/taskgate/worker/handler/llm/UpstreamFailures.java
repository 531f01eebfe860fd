package io.taskgate.worker.handler.llm;

import io.smallrye.faulttolerance.api.RateLimitException;
import io.taskgate.model.TaskError;
import io.taskgate.worker.handler.TaskFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Turns whatever went wrong with an upstream call into a task error with a stable code and the
 * right retry advice, so the task's retry policy can act on it.
 */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    static TaskFailure toTaskFailure(Throwable failure, Duration breakerDelay) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TaskFailure taskFailure) {
            return taskFailure;
        }
        if (cause instanceof UpstreamHttpException http) {
            return fromHttp(http);
        }
        if (cause instanceof CircuitBreakerOpenException) {
            return new TaskFailure(TaskError.transientError("CIRCUIT_OPEN",
                    "the provider failed repeatedly; calls are paused for a while"), breakerDelay);
        }
        if (cause instanceof BulkheadException || cause instanceof RateLimitException) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_BUSY",
                    "this worker has as many calls in flight to the provider as it allows"));
        }
        // Timeouts come as the JDK's, the fault-tolerance guard's, or Vert.x's idle-timeout exception.
        if (cause instanceof TimeoutException || cause instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || cause.getClass().getSimpleName().contains("Timeout")) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_TIMEOUT", "the provider did not answer in time"));
        }
        if (cause instanceof UpstreamProtocolException) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_PROTOCOL", cause.getMessage()));
        }
        if (cause instanceof IOException || cause instanceof io.vertx.core.VertxException) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_UNAVAILABLE",
                    "the provider could not be reached: " + cause.getMessage()));
        }
        return new TaskFailure(TaskError.transientError("UPSTREAM_ERROR", String.valueOf(cause.getMessage())));
    }

    private static TaskFailure fromHttp(UpstreamHttpException http) {
        String detail = http.getMessage();
        if (http.status() == 429) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_RATE_LIMITED", detail), http.retryAfter());
        }
        if (http.status() >= 500) {
            return new TaskFailure(TaskError.transientError("UPSTREAM_UNAVAILABLE", detail), http.retryAfter());
        }
        return new TaskFailure(TaskError.permanent("UPSTREAM_REJECTED", detail));
    }

    /** Failures the breaker counts: the provider misbehaving, not the provider refusing one request. */
    static boolean countsAgainstProvider(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof UpstreamHttpException http) {
            return http.isServerSide();
        }
        return !(cause instanceof TaskFailure) && !(cause instanceof BulkheadException);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
