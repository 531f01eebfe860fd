package io.taskgate.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgate.api.health.ErrorRates.Rate;
import io.taskgate.model.health.OutcomeCount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorRatesTest {

    private final ErrorRates rates = new ErrorRates(5, 20);

    @Test
    void everyAnswerThatIsNotASuccessIsAnErrorRefusalsIncluded() {
        Rate rate = rates.ofAnswers(Map.of("2xx", 90L, "3xx", 2L, "4xx", 5L, "5xx", 3L));

        assertThat(rate.total()).isEqualTo(100);
        assertThat(rate.errors()).isEqualTo(8);
        assertThat(rate.errorRatePercent()).isEqualTo(8.0);
        assertThat(rate.warning()).isTrue();
        assertThat(rate.breakdown()).containsEntry("4xx", 5L);
    }

    @Test
    void attemptsFailedForGoodOrRetriedAreErrorsOutOfThoseWithAVerdict() {
        List<OutcomeCount> outcomes = List.of(
                new OutcomeCount("echo", OutcomeCount.SUCCEEDED, 30),
                new OutcomeCount("llm.chat", OutcomeCount.SUCCEEDED, 6),
                new OutcomeCount("llm.chat", OutcomeCount.RETRIED, 3),
                new OutcomeCount("llm.chat", OutcomeCount.FAILED, 1),
                new OutcomeCount("llm.chat", OutcomeCount.CANCELLED, 7),
                new OutcomeCount("llm.chat", OutcomeCount.DEFERRED, 50));

        Rate all = rates.ofAttempts(outcomes);
        assertThat(all.total()).isEqualTo(40);
        assertThat(all.errors()).isEqualTo(4);
        assertThat(all.errorRatePercent()).isEqualTo(10.0);
        assertThat(all.breakdown()).containsEntry("deferred", 50L).containsEntry("cancelled", 7L);

        Map<String, Rate> byType = rates.ofAttemptsByType(outcomes);
        assertThat(byType.get("echo").errorRatePercent()).isZero();
        assertThat(byType.get("llm.chat").errorRatePercent()).isEqualTo(40.0);
        // Ten verdicts are too few to warn about, whatever their rate.
        assertThat(byType.get("llm.chat").warning()).isFalse();
        assertThat(all.warning()).isTrue();
    }

    @Test
    void nothingInTheWindowIsARateOfZero() {
        assertThat(rates.ofAnswers(Map.of()).errorRatePercent()).isZero();
        assertThat(rates.ofAttempts(List.of()).warning()).isFalse();
    }
}
