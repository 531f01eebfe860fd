package io.taskgate.worker.execution;

import java.util.ArrayDeque;

/**
 * Lets at most {@code limit} pieces of work run at once; the others wait their turn, first come
 * first served. Nothing here blocks: a piece of work is a callback, run at once when there is a
 * place, or by whoever leaves the place it takes over.
 */
final class ConcurrencyGate {

    private final int limit;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    ConcurrencyGate(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a concurrency limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    /** Runs {@code start} now if a place is free, or once one is; call {@link #leave()} when done. */
    void enter(Runnable start) {
        synchronized (this) {
            if (running >= limit) {
                waiting.addLast(start);
                return;
            }
            running++;
        }
        start.run();
    }

    /** Frees a place, handing it straight to the longest-waiting piece of work if there is one. */
    void leave() {
        Runnable next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                running--;
                return;
            }
        }
        next.run();
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
