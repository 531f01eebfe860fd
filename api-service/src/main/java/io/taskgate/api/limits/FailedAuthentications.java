package io.taskgate.api.limits;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Failed authentications per client address, counted in Redis like every other budget. Only
 * failures are charged, so a client with a good key never spends it; once an address has spent
 * it, every credential it sends is refused with 429 before any lookup, on every instance that
 * has seen the refusal (the others learn it from their next failure).
 */
@ApplicationScoped
public class FailedAuthentications {

    static final String BUCKET_PREFIX = "taskgate:rate:failed-auth:";

    private final RateLimiter limiter;
    private final ApiConfig.Limits config;

    public FailedAuthentications(RateLimiter limiter, ApiConfig config) {
        this.limiter = limiter;
        this.config = config.limits();
    }

    /** A 429 to answer at once when {@code address} has spent its budget; empty otherwise. */
    public Optional<ProblemException> refusal(String address) {
        List<RateBudget> budget = budgetOf(address);
        RateDecision standing = budget.isEmpty() ? null : limiter.standingRefusal(budget);
        if (standing == null) {
            return Optional.empty();
        }
        return Optional.of(ProblemException.tooManyRequests("too-many-failed-authentications",
                "this address sent more than " + config.failedAuthPerAddress() + " credentials that failed within "
                        + config.failedAuthWindow().toSeconds() + " s; try again after Retry-After",
                standing.retryAfter(), java.util.Map.of()));
    }

    /** Charges one failure to {@code address}; never fails the request it belongs to. */
    public Uni<Void> failed(String address) {
        return limiter.charge(budgetOf(address)).onFailure().recoverWithNull().replaceWithVoid();
    }

    private List<RateBudget> budgetOf(String address) {
        if (config.failedAuthPerAddress() <= 0 || address == null) {
            return List.of();
        }
        return List.of(new RateBudget("failed-auth-per-address", BUCKET_PREFIX + address,
                config.failedAuthPerAddress(), config.failedAuthWindow()));
    }
}
