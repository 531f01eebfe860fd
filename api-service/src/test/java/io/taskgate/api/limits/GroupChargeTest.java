package io.taskgate.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupChargeTest {

    private static final RateBudget KEY = new RateBudget("read-per-key", "k", 10, Duration.ofSeconds(1));
    private static final RateBudget TENANT = new RateBudget("read-per-tenant", "t", 4, Duration.ofSeconds(1));

    @Test
    void eachAdmittedCallSeesTheBudgetAfterTheCallsBeforeIt() {
        GroupCharge charge = new GroupCharge(List.of(KEY), 3, new long[] {0});

        assertThat(List.of(charge.admittedAt(0), charge.admittedAt(1), charge.admittedAt(2)))
                .extracting(RateDecision::remaining).containsExactly(9L, 8L, 7L);
        assertThat(charge.admittedAt(2).untilFull()).isEqualTo(Duration.ofMillis(300));
        assertThat(charge.admittedAt(2).allowed()).isTrue();
    }

    @Test
    void theTightestBudgetIsTheOneWithFewestCallsLeft() {
        GroupCharge charge = new GroupCharge(List.of(KEY, TENANT), 2, new long[] {0, 0});

        assertThat(charge.admittedAt(1).tightest()).isEqualTo(TENANT);
        assertThat(charge.admittedAt(1).remaining()).isEqualTo(2);
    }

    @Test
    void callsAfterTheAdmittedOnesAreRefusedByTheBudgetsOutOfRoom() {
        // The key has 8 of 10 spent, the tenant none of 4: two more fit, then the key refuses.
        GroupCharge charge = new GroupCharge(List.of(KEY, TENANT), 2, new long[] {800_000, 0});

        assertThat(charge.admits(1)).isTrue();
        assertThat(charge.admits(2)).isFalse();
        assertThat(charge.admittedAt(1).remaining()).isZero();
        assertThat(charge.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.allowed()).isFalse();
            assertThat(refusal.tightest()).isEqualTo(KEY);
            assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(100));
        });
    }

    @Test
    void aRefusalWithRoomInEveryBudgetIsAContradiction() {
        GroupCharge charge = new GroupCharge(List.of(KEY), 1, new long[] {0});

        assertThatThrownBy(charge::refusals).isInstanceOf(IllegalStateException.class);
    }

    /** Against the cell rate algorithm applied to one call after another, from random starting points. */
    @Test
    void aGroupDecidesExactlyAsCallsOneAfterTheOther() {
        Random random = new Random(42);
        List<RateBudget> budgets = List.of(KEY, TENANT);
        for (int round = 0; round < 500; round++) {
            long[] backlogs = {random.nextInt(1_100_000), random.nextInt(1_300_000)};
            int calls = 1 + random.nextInt(12);
            List<RateDecision> oneByOne = oneAfterTheOther(budgets, backlogs.clone(), calls);
            int admitted = (int) oneByOne.stream().filter(RateDecision::allowed).count();
            GroupCharge charge = new GroupCharge(budgets, admitted, backlogs);

            for (int position = 0; position < calls; position++) {
                RateDecision expected = oneByOne.get(position);
                RateDecision actual = charge.admits(position) ? charge.admittedAt(position)
                        : longest(charge.refusals());
                assertThat(actual).as("round %d, call %d of %d", round, position, calls).isEqualTo(expected);
            }
        }
    }

    private static List<RateDecision> oneAfterTheOther(List<RateBudget> budgets, long[] backlogs, int calls) {
        List<RateDecision> decisions = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            List<RateDecision> refused = new ArrayList<>();
            for (int i = 0; i < budgets.size(); i++) {
                long over = backlogs[i] + budgets.get(i).emissionIntervalMicros() - budgets.get(i).windowMicros();
                if (over > 0) {
                    Duration wait = Duration.ofNanos(over * 1_000);
                    refused.add(new RateDecision(false, budgets, budgets.get(i), 0, wait, wait));
                }
            }
            if (!refused.isEmpty()) {
                decisions.add(longest(refused));
                continue;
            }
            int tightest = 0;
            long[] remaining = new long[budgets.size()];
            for (int i = 0; i < budgets.size(); i++) {
                backlogs[i] += budgets.get(i).emissionIntervalMicros();
                remaining[i] = (budgets.get(i).windowMicros() - backlogs[i]) / budgets.get(i).emissionIntervalMicros();
                if (remaining[i] < remaining[tightest]) {
                    tightest = i;
                }
            }
            decisions.add(new RateDecision(true, budgets, budgets.get(tightest), remaining[tightest],
                    Duration.ofNanos(backlogs[tightest] * 1_000), Duration.ZERO));
        }
        return decisions;
    }

    private static RateDecision longest(List<RateDecision> refusals) {
        RateDecision longest = refusals.get(0);
        for (RateDecision refusal : refusals) {
            if (refusal.retryAfter().compareTo(longest.retryAfter()) > 0) {
                longest = refusal;
            }
        }
        return longest;
    }
}
