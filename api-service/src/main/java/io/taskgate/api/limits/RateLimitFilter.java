package io.taskgate.api.limits;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.Caller;
import io.taskgate.api.auth.CurrentCaller;
import io.taskgate.api.auth.Marks;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.problem.ProblemException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Counts every authenticated call against its budgets, right after authentication (so the key
 * and tenant are known, and an unauthenticated flood costs no count), refuses it with 429 when a
 * budget is spent, and describes the tightest budget on every answer it counted.
 */
public class RateLimitFilter {

    private static final String DECISION = RateLimitFilter.class.getName() + ".decision";

    private final RateLimiter limiter;
    private final CurrentCaller current;

    public RateLimitFilter(RateLimiter limiter, CurrentCaller current) {
        this.limiter = limiter;
        this.current = current;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 100)
    public Uni<Void> count(ContainerRequestContext request, ResourceInfo resource) {
        RequiresRole required = Marks.on(resource, RequiresRole.class);
        Optional<Caller> caller = current.find();
        // The operator is not a tenant and spends no tenant's budget.
        if (required == null || caller.isEmpty() || caller.get().operator()) {
            return Uni.createFrom().voidItem();
        }
        return limiter.check(caller.get(), RateClass.of(required.value()))
                .invoke(decision -> {
                    request.setProperty(DECISION, decision);
                    if (!decision.allowed()) {
                        throw ProblemException.tooManyRequests("rate-limited", "the '" + decision.tightest().name()
                                + "' budget of " + decision.tightest().quota() + " requests per "
                                + decision.tightest().windowSeconds() + " s is spent; try again after Retry-After",
                                decision.retryAfter(), headers(decision));
                    }
                })
                .replaceWithVoid();
    }

    @ServerResponseFilter
    public void describe(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateDecision decision && decision.counted()) {
            headers(decision).forEach((name, value) -> response.getHeaders().putSingle(name, value));
        }
    }

    private static Map<String, String> headers(RateDecision decision) {
        return Map.of("RateLimit-Policy", decision.policyHeader(), "RateLimit", decision.limitHeader());
    }
}
