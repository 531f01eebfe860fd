package io.taskgate.api.limits;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budgets this instance has seen refuse, and until when. A budget refills only with time, so
 * until that moment every instance's answer is the same refusal, and it can be given without a
 * round trip to Redis. Forgotten as soon as it has passed.
 */
final class LocalRefusals {

    /** Past this many remembered refusals, the ones that have passed are dropped. */
    private static final int TIDY_ABOVE = 10_000;

    private final Map<String, Refusal> byBucket = new ConcurrentHashMap<>();

    void remember(RateDecision refused, long nowNanos) {
        long until = nowNanos + refused.retryAfter().toNanos();
        byBucket.put(refused.tightest().bucket(), new Refusal(refused, until));
        if (byBucket.size() > TIDY_ABOVE) {
            byBucket.values().removeIf(refusal -> refusal.until - nowNanos <= 0);
        }
    }

    /** A refusal still standing for one of these budgets, with the time left on it; null if none. */
    RateDecision refusalFor(List<RateBudget> budgets, long nowNanos) {
        for (RateBudget budget : budgets) {
            Refusal refusal = byBucket.get(budget.bucket());
            if (refusal == null) {
                continue;
            }
            long left = refusal.until - nowNanos;
            if (left <= 0) {
                byBucket.remove(budget.bucket(), refusal);
                continue;
            }
            RateDecision earlier = refusal.decision;
            return new RateDecision(false, budgets, budget, 0, earlier.untilFull(), Duration.ofNanos(left));
        }
        return null;
    }

    private record Refusal(RateDecision decision, long until) {
    }
}
