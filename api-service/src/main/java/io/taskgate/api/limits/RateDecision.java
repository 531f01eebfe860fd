package io.taskgate.api.limits;

import io.taskgate.api.problem.RetryAfter;
import java.time.Duration;
import java.util.List;

/**
 * What counting one request said: whether it may go on, which budget is tightest now (the one
 * its headers describe), how many requests that budget still allows, when it is full again, and
 * — when refused — how long until one request fits.
 *
 * @param budgets every budget the request was counted against, for {@code RateLimit-Policy}
 */
public record RateDecision(boolean allowed, List<RateBudget> budgets, RateBudget tightest, long remaining,
        Duration untilFull, Duration retryAfter) {

    /** No count was made (limits off, or Redis unreachable and the operator chose to let requests in). */
    public static final RateDecision UNCOUNTED = new RateDecision(true, List.of(), null, 0, Duration.ZERO, Duration.ZERO);

    public boolean counted() {
        return tightest != null;
    }

    /** {@code RateLimit-Policy}: every budget as {@code "name";q=quota;w=seconds} (IETF httpapi-ratelimit-headers). */
    public String policyHeader() {
        StringBuilder header = new StringBuilder();
        for (RateBudget budget : budgets) {
            if (!header.isEmpty()) {
                header.append(", ");
            }
            header.append('"').append(budget.name()).append("\";q=").append(budget.quota())
                    .append(";w=").append(budget.windowSeconds());
        }
        return header.toString();
    }

    /** {@code RateLimit}: the tightest budget's remaining requests and seconds until it is full again. */
    public String limitHeader() {
        return "\"" + tightest.name() + "\";r=" + Math.max(0, remaining) + ";t=" + RetryAfter.seconds(untilFull);
    }
}
