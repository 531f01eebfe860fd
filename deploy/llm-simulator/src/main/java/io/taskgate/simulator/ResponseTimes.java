package io.taskgate.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long answered requests took, arrival to last byte, in whole milliseconds. A benchmark
 * compares these with how long its tasks ran, to tell time spent in the simulator (its pacing
 * and its event loops under load) from time spent around the call. One counter per
 * millisecond up to a minute: exact percentiles at that resolution, lock-free, fixed memory.
 */
final class ResponseTimes {

    static final int MAX_MS = 60_000;

    private final AtomicLongArray countsByMs = new AtomicLongArray(MAX_MS + 1);

    /** Anything slower than {@link #MAX_MS} is counted at that value. */
    void record(long nanos) {
        long ms = Math.max(0, Math.min(MAX_MS, nanos / 1_000_000));
        countsByMs.incrementAndGet((int) ms);
    }

    void reset() {
        for (int ms = 0; ms <= MAX_MS; ms++) {
            countsByMs.set(ms, 0);
        }
    }

    /**
     * Count, mean and the 50th, 95th, 99th percentiles and maximum in ms, from one pass over a
     * snapshot taken counter by counter: requests finishing meanwhile may or may not be in it.
     */
    ObjectNode toJson() {
        long[] counts = new long[MAX_MS + 1];
        long total = 0;
        long sumMs = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            counts[ms] = countsByMs.get(ms);
            total += counts[ms];
            sumMs += counts[ms] * ms;
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("count", total);
        if (total == 0) {
            return json;
        }
        json.put("mean", (double) sumMs / total);
        json.put("p50", percentile(counts, total, 0.50));
        json.put("p95", percentile(counts, total, 0.95));
        json.put("p99", percentile(counts, total, 0.99));
        json.put("max", percentile(counts, total, 1.0));
        return json;
    }

    /** The smallest value with at least {@code fraction} of the requests at or below it. */
    private static int percentile(long[] counts, long total, double fraction) {
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }
}
