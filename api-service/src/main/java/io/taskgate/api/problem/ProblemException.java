package io.taskgate.api.problem;

import java.time.Duration;
import java.util.Map;

/**
 * An error the caller should see as a problem document. Thrown anywhere on the request path and
 * turned into the answer by {@link ProblemMappers}.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Duration retryAfter;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, null, null);
    }

    public ProblemException(Problem problem, Duration retryAfter, Throwable cause) {
        this(problem, retryAfter, cause, Map.of());
    }

    private ProblemException(Problem problem, Duration retryAfter, Throwable cause, Map<String, String> headers) {
        super(problem.detail(), cause);
        this.problem = problem;
        this.retryAfter = retryAfter;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    /** How long the caller should wait before trying again, or null when retrying is pointless. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Headers the answer must carry besides the problem itself, such as an authentication challenge. */
    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String slug, String detail) {
        return new ProblemException(Problem.of(slug, "Bad request", 400, detail, false));
    }

    /** The caller did not prove who it is; {@code challenge} tells it how (RFC 9110 WWW-Authenticate). */
    public static ProblemException unauthorized(String slug, String detail, String challenge) {
        return new ProblemException(Problem.of(slug, "Unauthorized", 401, detail, false), null, null,
                Map.of("WWW-Authenticate", challenge));
    }

    public static ProblemException forbidden(String slug, String detail) {
        return new ProblemException(Problem.of(slug, "Forbidden", 403, detail, false));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of("not-found", "Not found", 404, detail, false));
    }

    /** The request is valid but the resource's current state does not allow it. */
    public static ProblemException conflict(String slug, String detail, boolean retryable) {
        return new ProblemException(Problem.of(slug, "Conflict", 409, detail, retryable));
    }

    /** Well-formed, but refused because of what it says (RFC 9110 422). */
    public static ProblemException unprocessable(String slug, String detail) {
        return new ProblemException(Problem.of(slug, "Unprocessable content", 422, detail, false));
    }

    /** Refused for how much this caller asks, not for what: it may come back after {@code retryAfter}. */
    public static ProblemException tooManyRequests(String slug, String detail, Duration retryAfter,
            Map<String, String> headers) {
        return new ProblemException(Problem.of(slug, "Too many requests", 429, detail, true), retryAfter, null, headers);
    }

    public static ProblemException unavailable(String slug, String detail, Duration retryAfter, Throwable cause) {
        return new ProblemException(Problem.of(slug, "Service unavailable", 503, detail, true), retryAfter, cause);
    }
}
