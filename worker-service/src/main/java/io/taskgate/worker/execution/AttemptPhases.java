package io.taskgate.worker.execution;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where an attempt's time goes, one timer per phase ({@code taskgate_attempt_phase_seconds}
 * tagged with the phase and the task type): an operator can tell a slow upstream from a slow
 * database or a slow Redis without a profiler, and a benchmark can split a task's run into the
 * handler's call and the worker's own work around it.
 */
final class AttemptPhases {

    static final String METER = "taskgate.attempt.phase";

    /** The steps of one delivery, in the order they run. */
    enum Phase {
        /** The conditional UPDATE that makes the attempt RUNNING (or finds nothing to do). */
        CLAIM,
        /** Publishing the RUNNING status before the handler starts. */
        ANNOUNCE,
        /** The handler itself: for {@code llm.chat}, the provider call. */
        HANDLER,
        /** Sending the output pieces still buffered when the handler finished. */
        DRAIN,
        /** Storing the outcome. */
        RECORD,
        /** Publishing the outcome and shortening the output's expiry. */
        FINISH;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final MeterRegistry meters;

    AttemptPhases(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Runs {@code work} when subscribed, timing it from subscription to its item or failure. */
    <T> Uni<T> timed(Phase phase, String type, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return work.get().onTermination().invoke(() -> timer(phase, type)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        });
    }

    Timer timer(Phase phase, String type) {
        return meters.timer(METER, "phase", phase.tag, "type", type);
    }
}
