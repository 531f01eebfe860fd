package io.taskgate.model.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Counts per key over a sliding window, kept in {@link #BUCKETS} time buckets per key: what
 * happened in the last five minutes, not since start, so a rate rises with a burst of errors
 * and falls back once it has slid out. Adding is lock-free except when a bucket turns over.
 * A count covers the current bucket and the ones before it within the window.
 */
public final class SlidingWindowCounts<K> {

    static final int BUCKETS = 60;

    private final Duration window;
    private final long bucketMillis;
    private final LongSupplier millis;
    private final Map<K, Ring> byKey = new ConcurrentHashMap<>();

    public SlidingWindowCounts(Duration window, LongSupplier millis) {
        if (window.toMillis() < BUCKETS) {
            throw new IllegalArgumentException("a window shorter than " + BUCKETS + " ms: " + window);
        }
        this.window = window;
        this.bucketMillis = window.toMillis() / BUCKETS;
        this.millis = millis;
    }

    public Duration window() {
        return window;
    }

    public void add(K key) {
        byKey.computeIfAbsent(key, ignored -> new Ring()).add(millis.getAsLong() / bucketMillis);
    }

    /** The count of each key within the window now; keys with nothing in it are left out. */
    public Map<K, Long> totals() {
        long current = millis.getAsLong() / bucketMillis;
        Map<K, Long> totals = new java.util.HashMap<>();
        byKey.forEach((key, ring) -> {
            long sum = ring.sum(current);
            if (sum > 0) {
                totals.put(key, sum);
            }
        });
        return totals;
    }

    /** One key's buckets; a bucket remembers which slot of time it counts, and restarts when reused. */
    private static final class Ring {
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
        private final AtomicLongArray slots = new AtomicLongArray(BUCKETS);

        Ring() {
            for (int i = 0; i < BUCKETS; i++) {
                slots.set(i, Long.MIN_VALUE);
            }
        }

        void add(long slot) {
            int index = (int) Math.floorMod(slot, (long) BUCKETS);
            if (slots.get(index) != slot) {
                synchronized (this) {
                    if (slots.get(index) != slot) {
                        // The count is cleared before the slot is claimed, so no add to the new slot is lost.
                        counts.set(index, 0);
                        slots.set(index, slot);
                    }
                }
            }
            counts.incrementAndGet(index);
        }

        long sum(long current) {
            long sum = 0;
            for (int i = 0; i < BUCKETS; i++) {
                long slot = slots.get(i);
                if (slot > current - BUCKETS && slot <= current) {
                    sum += counts.get(i);
                }
            }
            return sum;
        }
    }
}
