package io.taskgate.api.problem;

import java.time.Duration;

/**
 * An error the caller should see as a problem document. Thrown anywhere on the request path and
 * turned into the answer by {@link ProblemMappers}.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Duration retryAfter;

    public ProblemException(Problem problem) {
        this(problem, null, null);
    }

    public ProblemException(Problem problem, Duration retryAfter, Throwable cause) {
        super(problem.detail(), cause);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public Problem problem() {
        return problem;
    }

    /** How long the caller should wait before trying again, or null when retrying is pointless. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public static ProblemException badRequest(String slug, String detail) {
        return new ProblemException(Problem.of(slug, "Bad request", 400, detail, false));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of("not-found", "Not found", 404, detail, false));
    }

    public static ProblemException unavailable(String slug, String detail, Duration retryAfter, Throwable cause) {
        return new ProblemException(Problem.of(slug, "Service unavailable", 503, detail, true), retryAfter, cause);
    }
}
