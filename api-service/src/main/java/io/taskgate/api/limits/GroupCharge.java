package io.taskgate.api.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one count of a group of requests with the same budgets told: how many of them were let
 * in ({@code admitted}, the first ones in arrival order) and how far ahead each budget's
 * arrival time stood before the count ({@code backlogMicros}, one per budget). From these follow
 * the same decisions that counting the requests one after the other would have given each.
 */
record GroupCharge(List<RateBudget> budgets, int admitted, long[] backlogMicros) {

    GroupCharge {
        if (backlogMicros.length != budgets.size()) {
            throw new IllegalArgumentException(budgets.size() + " budgets but " + backlogMicros.length + " backlogs");
        }
    }

    boolean admits(int position) {
        return position < admitted;
    }

    /**
     * The decision of the admitted request at {@code position} (0-based) of the group: after it,
     * each budget is charged {@code position + 1} more; the one with the fewest requests left is
     * the tightest.
     */
    RateDecision admittedAt(int position) {
        int tightest = -1;
        long tightestRemaining = 0;
        long tightestAhead = 0;
        for (int i = 0; i < budgets.size(); i++) {
            RateBudget budget = budgets.get(i);
            long ahead = backlogMicros[i] + (position + 1L) * budget.emissionIntervalMicros();
            long remaining = Math.floorDiv(budget.windowMicros() - ahead, budget.emissionIntervalMicros());
            if (tightest < 0 || remaining < tightestRemaining) {
                tightest = i;
                tightestRemaining = remaining;
                tightestAhead = ahead;
            }
        }
        return new RateDecision(true, budgets, budgets.get(tightest), tightestRemaining, micros(tightestAhead),
                Duration.ZERO);
    }

    /**
     * For the requests after the admitted ones: every budget that has no room once the admitted
     * ones are charged, each with how long until one more request fits.
     */
    List<RateDecision> refusals() {
        List<RateDecision> refusals = new ArrayList<>();
        for (int i = 0; i < budgets.size(); i++) {
            RateBudget budget = budgets.get(i);
            long over = backlogMicros[i] + (admitted + 1L) * budget.emissionIntervalMicros() - budget.windowMicros();
            if (over > 0) {
                Duration wait = micros(over);
                refusals.add(new RateDecision(false, budgets, budget, 0, wait, wait));
            }
        }
        if (refusals.isEmpty()) {
            throw new IllegalStateException("the rate script refused without a budget out of room");
        }
        return refusals;
    }

    private static Duration micros(long micros) {
        return Duration.ofNanos(micros * 1_000);
    }
}
