package io.taskgate.model;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Groups concurrent requests so that one round trip serves many. A request joins the queue; a
 * batch leaves as soon as one of {@code maxInFlight} slots is free, taking whatever has queued
 * (at most {@code maxBatch}). Nobody waits for a batch to fill: at low load every request leaves
 * alone at once, and under load the requests that arrive while a batch is out form the next one.
 * The batch size follows the load by itself, with no timer.
 *
 * <p>{@code flush} receives the items in arrival order and answers one result per item, in the
 * same order. If it fails, every item of the batch fails with the same failure. Results are
 * handed over on the thread that completed the flush; callers that need their own context back
 * must switch to it.
 *
 * @param <I> what a request brings
 * @param <O> what it gets back
 */
public final class Batcher<I, O> {

    private final int maxBatch;
    private final int maxInFlight;
    private final Function<List<I>, Uni<List<O>>> flush;
    private final ArrayDeque<Waiting<I, O>> queue = new ArrayDeque<>();
    private int inFlight;

    public Batcher(int maxBatch, int maxInFlight, Function<List<I>, Uni<List<O>>> flush) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.flush = flush;
    }

    /** Queues {@code item}; the Uni completes with its result once its batch is done. */
    public Uni<O> add(I item) {
        return Uni.createFrom().emitter(emitter -> {
            List<Waiting<I, O>> batch;
            synchronized (this) {
                queue.add(new Waiting<>(item, emitter));
                batch = takeBatchIfSlotFree();
            }
            if (batch != null) {
                send(batch);
            }
        });
    }

    /** How many requests are waiting for a slot; for tests and gauges. */
    public synchronized int waiting() {
        return queue.size();
    }

    private List<Waiting<I, O>> takeBatchIfSlotFree() {
        if (queue.isEmpty() || inFlight >= maxInFlight) {
            return null;
        }
        int size = Math.min(maxBatch, queue.size());
        List<Waiting<I, O>> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(queue.poll());
        }
        inFlight++;
        return batch;
    }

    private void send(List<Waiting<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        for (Waiting<I, O> waiting : batch) {
            items.add(waiting.item());
        }
        Uni<List<O>> results;
        try {
            results = flush.apply(items);
        } catch (RuntimeException e) {
            results = Uni.createFrom().failure(e);
        }
        results.subscribe().with(outputs -> {
            if (outputs == null || outputs.size() != batch.size()) {
                failAll(batch, new IllegalStateException("a batch of " + batch.size() + " got "
                        + (outputs == null ? "no" : outputs.size()) + " results"));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).emitter().complete(outputs.get(i));
                }
            }
            slotFreed();
        }, failure -> {
            failAll(batch, failure);
            slotFreed();
        });
    }

    private static <I, O> void failAll(List<Waiting<I, O>> batch, Throwable failure) {
        for (Waiting<I, O> waiting : batch) {
            waiting.emitter().fail(failure);
        }
    }

    private void slotFreed() {
        List<Waiting<I, O>> next;
        synchronized (this) {
            inFlight--;
            next = takeBatchIfSlotFree();
        }
        if (next != null) {
            send(next);
        }
    }

    private record Waiting<I, O>(I item, UniEmitter<? super O> emitter) {
    }
}
