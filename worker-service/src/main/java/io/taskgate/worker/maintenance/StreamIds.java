package io.taskgate.worker.maintenance;

/** Comparison of Redis stream ids ("milliseconds-sequence"), which do not sort as text. */
final class StreamIds {

    private StreamIds() {
    }

    /** The lower of two ids; a null id counts as "no bound" and loses. */
    static String lower(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(a, b) <= 0 ? a : b;
    }

    static int compare(String a, String b) {
        long[] left = parse(a);
        long[] right = parse(b);
        int byTime = Long.compareUnsigned(left[0], right[0]);
        return byTime != 0 ? byTime : Long.compareUnsigned(left[1], right[1]);
    }

    private static long[] parse(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            return new long[] {Long.parseUnsignedLong(id), 0};
        }
        return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
    }
}
