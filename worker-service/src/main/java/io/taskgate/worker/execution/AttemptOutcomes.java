package io.taskgate.worker.execution;

import io.taskgate.model.health.OutcomeCount;
import io.taskgate.model.health.SlidingWindowCounts;
import io.taskgate.worker.config.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How this worker's attempts ended lately, per task type, over a sliding window: the part of
 * the fleet's error rate this worker knows first-hand. The worker's report carries it to the
 * api, which sums it over the fleet.
 */
@ApplicationScoped
public class AttemptOutcomes {

    private record Key(String type, String outcome) {
    }

    private final SlidingWindowCounts<Key> counts;

    @Inject
    public AttemptOutcomes(WorkerConfig config) {
        this(config.outcomeWindow());
    }

    AttemptOutcomes(Duration window) {
        this.counts = new SlidingWindowCounts<>(window, System::currentTimeMillis);
    }

    /** {@code outcome} is one of the {@link OutcomeCount} outcomes. */
    void record(String type, String outcome) {
        counts.add(new Key(type, outcome));
    }

    public Duration window() {
        return counts.window();
    }

    /** The counts within the window now, by type then outcome. */
    public List<OutcomeCount> recent() {
        List<OutcomeCount> recent = new ArrayList<>();
        counts.totals().forEach((key, count) -> recent.add(new OutcomeCount(key.type(), key.outcome(), count)));
        recent.sort(Comparator.comparing(OutcomeCount::type).thenComparing(OutcomeCount::outcome));
        return recent;
    }
}
