package io.taskgate.worker.handler.llm;

import java.time.Duration;

/**
 * The provider refused the call with an HTTP status, with what its error body said. The body's
 * message is the provider's own words about the request; it never contains our API key.
 */
class UpstreamHttpException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final Duration retryAfter;

    UpstreamHttpException(int status, String message, String type, String code, Duration retryAfter) {
        super("HTTP " + status + (message == null ? "" : ": " + message), null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String code() {
        return code;
    }

    /** What the provider's Retry-After asked for, or null. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the provider itself is in trouble (as opposed to refusing this request). */
    boolean isServerSide() {
        return status >= 500 || status == 429;
    }
}
