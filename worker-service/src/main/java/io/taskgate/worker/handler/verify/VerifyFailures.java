package io.taskgate.worker.handler.verify;

import io.netty.channel.ConnectTimeoutException;
import io.taskgate.model.TaskError;
import io.taskgate.worker.handler.TaskFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The error codes of {@code http.verify} and which of them a retry could cure. Messages name the
 * target by its origin only (scheme, host, port): paths and queries may carry tokens.
 */
final class VerifyFailures {

    static final String TARGET_NOT_ALLOWED = "TARGET_NOT_ALLOWED";
    static final String VERIFICATION_FAILED = "VERIFICATION_FAILED";
    static final String RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE";
    static final String UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT";
    static final String UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE";
    static final String UPSTREAM_RATE_LIMITED = "UPSTREAM_RATE_LIMITED";
    static final String UPSTREAM_REJECTED = "UPSTREAM_REJECTED";

    private VerifyFailures() {
    }

    static TaskFailure targetNotAllowed(String message) {
        return permanent(TARGET_NOT_ALLOWED, message);
    }

    static TaskFailure verificationFailed(String message) {
        return permanent(VERIFICATION_FAILED, message);
    }

    static TaskFailure responseTooLarge(String origin, long maxBytes) {
        return permanent(RESPONSE_TOO_LARGE,
                "response from " + origin + " exceeds max-response-bytes (" + maxBytes + ")");
    }

    static TaskFailure upstreamTimeout(String message) {
        return new TaskFailure(TaskError.transientError(UPSTREAM_TIMEOUT, message));
    }

    static TaskFailure upstreamUnavailable(String message) {
        return new TaskFailure(TaskError.transientError(UPSTREAM_UNAVAILABLE, message));
    }

    /**
     * A final status that the expectation does not accept: the server's trouble (5xx, 429) may pass,
     * a refusal of the request (other 4xx) or an unexpected success-class status will not.
     */
    static TaskFailure unexpectedStatus(int status, String origin, Expectation expect) {
        if (status == 429) {
            return new TaskFailure(
                    TaskError.transientError(UPSTREAM_RATE_LIMITED, origin + " answered 429 (rate limited)"));
        }
        if (status >= 500) {
            return upstreamUnavailable(origin + " answered " + status);
        }
        if (status >= 400) {
            return permanent(UPSTREAM_REJECTED,
                    origin + " answered " + status + ", expected " + expect.describeStatus());
        }
        return verificationFailed("status " + status + ", expected " + expect.describeStatus());
    }

    /**
     * The task failure for a failed connection or exchange. Anything not recognised as a network
     * failure is returned as it is, so a defect shows up as HANDLER_ERROR instead of being
     * mistaken for an unavailable upstream.
     */
    static Throwable fromTransport(Throwable failure, String origin) {
        if (failure instanceof TaskFailure taskFailure) {
            return taskFailure;
        }
        // ConnectTimeoutException is a ConnectException: test it first.
        if (failure instanceof ConnectTimeoutException) {
            return upstreamTimeout("connecting to " + origin + " took longer than connect-timeout");
        }
        if (failure instanceof TimeoutException) {
            return upstreamTimeout(origin + " did not answer within first-byte-timeout");
        }
        if (failure instanceof UnknownHostException) {
            return upstreamUnavailable("the name of " + origin + " could not be resolved");
        }
        if (failure instanceof SSLException) {
            return upstreamUnavailable("TLS with " + origin + " failed: " + failure.getClass().getSimpleName());
        }
        if (failure instanceof ConnectionPoolTooBusyException) {
            return upstreamUnavailable("too many verifications waiting for a connection to " + origin);
        }
        if (failure instanceof IOException || failure instanceof HttpClosedException
                || failure instanceof StreamResetException) {
            return upstreamUnavailable("connection to " + origin + " failed: " + describe(failure));
        }
        return failure;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        // Netty's connect messages name the address, which is already in the origin.
        if (message == null || message.length() > 200) {
            return failure.getClass().getSimpleName();
        }
        return message;
    }

    private static TaskFailure permanent(String code, String message) {
        return new TaskFailure(TaskError.permanent(code, message));
    }
}
