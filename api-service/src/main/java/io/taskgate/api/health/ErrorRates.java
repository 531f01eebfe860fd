package io.taskgate.api.health;

import io.taskgate.model.health.OutcomeCount;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Error rates from counts: of answers, everything but 1xx-3xx is an error (a refusal is one
 * too: a client refused is a client not served); of attempts, those that failed, for good or
 * with a retry scheduled, out of those that reached a verdict (cancelled, deferred and
 * superseded attempts are counted apart and left out of the rate).
 */
final class ErrorRates {

    /** One rate, with the counts it comes from. */
    record Rate(long total, long errors, double errorRatePercent, boolean warning, Map<String, Long> breakdown) {
    }

    private final double warningPercent;
    private final long minimumCount;

    ErrorRates(double warningPercent, long minimumCount) {
        this.warningPercent = warningPercent;
        this.minimumCount = minimumCount;
    }

    Rate ofAnswers(Map<String, Long> byStatusClass) {
        long total = 0;
        long errors = 0;
        for (Map.Entry<String, Long> entry : byStatusClass.entrySet()) {
            total += entry.getValue();
            if (entry.getKey().startsWith("4") || entry.getKey().startsWith("5")) {
                errors += entry.getValue();
            }
        }
        return rate(total, errors, new TreeMap<>(byStatusClass));
    }

    Rate ofAttempts(Collection<OutcomeCount> outcomes) {
        long verdicts = 0;
        long errors = 0;
        Map<String, Long> byOutcome = new TreeMap<>();
        for (OutcomeCount count : outcomes) {
            byOutcome.merge(count.outcome(), count.count(), Long::sum);
            if (count.isVerdict()) {
                verdicts += count.count();
            }
            if (count.isError()) {
                errors += count.count();
            }
        }
        return rate(verdicts, errors, byOutcome);
    }

    /** The attempts' rate for each task type. */
    Map<String, Rate> ofAttemptsByType(Collection<OutcomeCount> outcomes) {
        Map<String, java.util.List<OutcomeCount>> byType = new TreeMap<>();
        outcomes.forEach(count -> byType.computeIfAbsent(count.type(), ignored -> new java.util.ArrayList<>()).add(count));
        Map<String, Rate> rates = new TreeMap<>();
        byType.forEach((type, counts) -> rates.put(type, ofAttempts(counts)));
        return rates;
    }

    private Rate rate(long total, long errors, Map<String, Long> breakdown) {
        double percent = total == 0 ? 0 : Math.round(1000.0 * errors / total) / 10.0;
        return new Rate(total, errors, percent, total >= minimumCount && percent > warningPercent, breakdown);
    }
}
