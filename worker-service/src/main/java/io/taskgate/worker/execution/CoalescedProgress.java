package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Keeps progress reports from costing a database write and a publish each: one write at a time,
 * at most one per {@link #SPACING}, always of the latest value; the values reported in between
 * are never stored (the last one wins). A handler that reports from a tight loop thus costs a
 * few writes a second, and one that reports now and then is written at once.
 *
 * <p>{@link #drain} completes once the latest value has been written, so the outcome is
 * recorded after it and no late progress write can land on a finished task.
 */
final class CoalescedProgress {

    /** Least time between two writes of one attempt's progress. */
    static final Duration SPACING = Duration.ofMillis(25);

    /** Runs {@code action} after {@code millis}; answers a handle for {@link #cancel}. */
    interface Timers {
        long schedule(long millis, Runnable action);

        boolean cancel(long handle);
    }

    private final Timers timers;
    private final LongSupplier nanoClock;
    private final Function<Double, Uni<Void>> write;
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
    private Double pending;
    private boolean writing;
    private long timer = -1;
    private long lastWriteAt;
    private boolean everWritten;

    /** {@code write} stores and publishes one value; its failures are its own to handle. */
    CoalescedProgress(Timers timers, LongSupplier nanoClock, Function<Double, Uni<Void>> write) {
        this.timers = timers;
        this.nanoClock = nanoClock;
        this.write = write;
    }

    void report(double fraction) {
        boolean writeNow = false;
        synchronized (this) {
            pending = fraction;
            if (!writing && timer < 0) {
                long waitMillis = everWritten ? SPACING.toMillis() - (nanoClock.getAsLong() - lastWriteAt) / 1_000_000 : 0;
                if (waitMillis <= 0) {
                    writeNow = true;
                } else {
                    timer = timers.schedule(waitMillis, this::writePending);
                }
            }
        }
        if (writeNow) {
            writePending();
        }
    }

    /** Completes when the latest reported value has been written (at once if there is none). */
    Uni<Void> drain() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        boolean writeNow;
        synchronized (this) {
            if (idle()) {
                return Uni.createFrom().voidItem();
            }
            drainWaiters.add(drained);
            // The outcome waits for this write: no reason to keep the spacing.
            writeNow = timer >= 0 && timers.cancel(timer);
            if (writeNow) {
                timer = -1;
            }
        }
        if (writeNow) {
            writePending();
        }
        return Uni.createFrom().completionStage(drained);
    }

    private void writePending() {
        double value;
        synchronized (this) {
            timer = -1;
            if (writing || pending == null) {
                releaseIfIdle();
                return;
            }
            value = pending;
            pending = null;
            writing = true;
            everWritten = true;
            lastWriteAt = nanoClock.getAsLong();
        }
        Uni<Void> written;
        try {
            written = write.apply(value);
        } catch (RuntimeException e) {
            written = Uni.createFrom().failure(e);
        }
        written.subscribe().with(ignored -> written(), failure -> written());
    }

    private void written() {
        boolean writeNow = false;
        synchronized (this) {
            writing = false;
            if (pending != null) {
                if (!drainWaiters.isEmpty()) {
                    writeNow = true;
                } else {
                    long waitMillis = SPACING.toMillis() - (nanoClock.getAsLong() - lastWriteAt) / 1_000_000;
                    if (waitMillis <= 0) {
                        writeNow = true;
                    } else {
                        timer = timers.schedule(waitMillis, this::writePending);
                    }
                }
            } else {
                releaseIfIdle();
            }
        }
        if (writeNow) {
            writePending();
        }
    }

    private boolean idle() {
        return !writing && timer < 0 && pending == null;
    }

    private void releaseIfIdle() {
        if (idle() && !drainWaiters.isEmpty()) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(drainWaiters);
            drainWaiters.clear();
            waiting.forEach(waiter -> waiter.complete(null));
        }
    }
}
