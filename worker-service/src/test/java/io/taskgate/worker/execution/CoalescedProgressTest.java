package io.taskgate.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescedProgressTest {

    /** A clock and timers the test moves by hand. */
    private static final class ManualTime implements CoalescedProgress.Timers {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        final TreeMap<Long, Runnable> due = new TreeMap<>();
        long nextHandle;
        final List<Long> handles = new ArrayList<>();

        @Override
        public long schedule(long millis, Runnable action) {
            long at = nanos.get() + millis * 1_000_000;
            while (due.containsKey(at)) {
                at++;
            }
            due.put(at, action);
            handles.add(at);
            return at;
        }

        @Override
        public boolean cancel(long handle) {
            return due.remove(handle) != null;
        }

        void advanceMillis(long millis) {
            long until = nanos.get() + millis * 1_000_000;
            while (!due.isEmpty() && due.firstKey() <= until) {
                var next = due.pollFirstEntry();
                nanos.set(next.getKey());
                next.getValue().run();
            }
            nanos.set(until);
        }
    }

    /** Writes the test finishes by hand, recorded in order. */
    private static final class ManualWrites {
        final List<Double> values = new ArrayList<>();
        final List<CompletableFuture<Void>> answers = new ArrayList<>();

        Uni<Void> write(double value) {
            values.add(value);
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return Uni.createFrom().completionStage(answer);
        }

        void finishLast() {
            answers.get(answers.size() - 1).complete(null);
        }
    }

    private final ManualTime time = new ManualTime();
    private final ManualWrites writes = new ManualWrites();
    private final CoalescedProgress progress = new CoalescedProgress(time, time.nanos::get, writes::write);

    @Test
    void aLoneReportIsWrittenAtOnce() {
        progress.report(0.5);
        assertThat(writes.values).containsExactly(0.5);
    }

    @Test
    void reportsDuringAWriteCollapseIntoTheLatestWrittenOneSpacingLater() {
        progress.report(0.1);
        progress.report(0.2);
        progress.report(0.3);
        assertThat(writes.values).containsExactly(0.1);

        writes.finishLast();
        // Still inside the spacing after the first write: nothing yet.
        assertThat(writes.values).containsExactly(0.1);
        time.advanceMillis(CoalescedProgress.SPACING.toMillis());
        assertThat(writes.values).containsExactly(0.1, 0.3);
    }

    @Test
    void aTightLoopCostsOneWritePerSpacing() {
        for (int ms = 0; ms < 1000; ms++) {
            progress.report(ms / 1000.0);
            if (writes.answers.size() > 0 && !writes.answers.get(writes.answers.size() - 1).isDone()) {
                writes.finishLast();
            }
            time.advanceMillis(1);
        }
        assertThat(writes.values.size()).isBetween(35, 45);
        assertThat(writes.values).isSorted();
    }

    @Test
    void drainWritesTheLatestValueWithoutWaitingForTheSpacing() {
        progress.report(0.1);
        writes.finishLast();
        progress.report(0.7);
        assertThat(writes.values).containsExactly(0.1);

        UniAssertSubscriber<Void> drained = progress.drain().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(writes.values).containsExactly(0.1, 0.7);
        drained.assertNotTerminated();
        writes.finishLast();
        drained.assertCompleted();
        assertThat(time.due).isEmpty();
    }

    @Test
    void drainWithNothingReportedCompletesAtOnceAndAFailedWriteDoesNotStopTheNext() {
        progress.drain().subscribe().withSubscriber(UniAssertSubscriber.create()).assertCompleted();

        progress.report(0.2);
        writes.answers.get(0).completeExceptionally(new IllegalStateException("database away"));
        progress.report(0.4);
        time.advanceMillis(CoalescedProgress.SPACING.toMillis());
        assertThat(writes.values).containsExactly(0.2, 0.4);
    }
}
