package io.taskgate.bench;

import java.util.Arrays;

/** Request latencies of one measured phase, and the percentiles reported from them. */
final class LatencyRecorder {

    private final long[] nanos;
    private int count;

    LatencyRecorder(int capacity) {
        this.nanos = new long[capacity];
    }

    synchronized void record(long latencyNanos) {
        nanos[count++] = latencyNanos;
    }

    synchronized Summary summarize(double elapsedSeconds) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return new Summary(count, count / elapsedSeconds, millis(sorted, 0.50), millis(sorted, 0.90),
                millis(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    record Summary(int requests, double perSecond, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
    }
}
