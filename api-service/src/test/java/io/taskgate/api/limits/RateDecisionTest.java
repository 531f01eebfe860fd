package io.taskgate.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateDecisionTest {

    private final RateBudget perKey = new RateBudget("submit-per-key", "k", 100, Duration.ofSeconds(1));
    private final RateBudget perTenant = new RateBudget("submit-per-tenant", "t", 600, Duration.ofMinutes(1));

    @Test
    void thePolicyHeaderListsEveryBudgetWithItsQuotaAndWindowInSeconds() {
        RateDecision decision = new RateDecision(true, List.of(perKey, perTenant), perKey, 7,
                Duration.ofMillis(930), Duration.ZERO);
        assertThat(decision.policyHeader())
                .isEqualTo("\"submit-per-key\";q=100;w=1, \"submit-per-tenant\";q=600;w=60");
        assertThat(decision.limitHeader()).isEqualTo("\"submit-per-key\";r=7;t=1");
    }

    @Test
    void aBudgetRefillsEvenlyOverItsWindow() {
        assertThat(perKey.emissionIntervalMicros()).isEqualTo(10_000);
        assertThat(perTenant.emissionIntervalMicros()).isEqualTo(100_000);
        assertThat(new RateBudget("odd", "o", 3, Duration.ofMillis(1500)).windowSeconds()).isEqualTo(2);
    }
}
