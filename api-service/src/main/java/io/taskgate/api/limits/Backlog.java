package io.taskgate.api.limits;

import java.time.Duration;
import java.util.Optional;

/**
 * What the task stream holds and how fast the workers get through it, from periodic samples.
 *
 * <p>The drain speed is measured on the stream's own clock: an entry's id carries the time it
 * was added, so the oldest entry not yet taken by a worker moving from 12:00:00 to 12:00:06
 * over three seconds means the workers get through two seconds of submissions per second. That
 * speed turns any excess — entries past the length ceiling, or waiting time past the age
 * ceiling — into the time it takes to work off, which is what a refused client is told to wait.
 * The stream length and the age of its oldest waiting entry are all Redis 6.2 reports.
 */
public final class Backlog {

    /** Weight of the newest speed sample: enough to follow a change in the fleet within a few seconds. */
    private static final double SMOOTHING = 0.3;

    private final long maxEntries;
    private final Duration maxWait;
    private final Duration maxRetryAfter;

    private long entries;
    /** Add time (epoch ms) of the oldest entry no worker has taken yet; -1 when there is none. */
    private long oldestWaitingAddedAt = -1;
    private long sampledAt;
    private boolean sampled;
    /** Seconds of submissions the workers get through per second; negative until first measured. */
    private double speed = -1;
    private long acceptedSinceSample;

    public Backlog(long maxEntries, Duration maxWait, Duration maxRetryAfter) {
        this.maxEntries = maxEntries;
        this.maxWait = maxWait;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** A new sample, taken at {@code now} (epoch ms, the same clock as stream ids). */
    public synchronized void sample(long nowMillis, long streamLength, long oldestWaitingAddedAtMillis) {
        if (sampled && oldestWaitingAddedAt >= 0 && oldestWaitingAddedAtMillis >= 0 && nowMillis > sampledAt) {
            double measured = (double) (oldestWaitingAddedAtMillis - oldestWaitingAddedAt) / (nowMillis - sampledAt);
            speed = speed < 0 ? measured : SMOOTHING * measured + (1 - SMOOTHING) * speed;
        }
        entries = streamLength;
        oldestWaitingAddedAt = oldestWaitingAddedAtMillis;
        sampledAt = nowMillis;
        sampled = true;
        acceptedSinceSample = 0;
    }

    /** No sample can be taken (Redis away): the ceiling is not applied until one can. */
    public synchronized void unknown() {
        sampled = false;
    }

    /** A submission this instance accepted after the last sample. */
    public synchronized void accepted() {
        acceptedSinceSample++;
    }

    /** How long a refused submitter should wait, or empty when the backlog is under both ceilings. */
    public synchronized Optional<Duration> refusal(long nowMillis) {
        if (!sampled) {
            return Optional.empty();
        }
        long length = entries + acceptedSinceSample;
        long waitedMillis = oldestWaitingAddedAt < 0 ? 0 : Math.max(0, nowMillis - oldestWaitingAddedAt);
        boolean tooLong = length >= maxEntries;
        boolean tooOld = waitedMillis >= maxWait.toMillis();
        if (!tooLong && !tooOld) {
            return Optional.empty();
        }
        // The entries past the ceiling, as a share of the time the waiting ones span; or the
        // waiting time past the ceiling: whichever is more.
        double pastLength = tooLong && length > 0 ? (length - maxEntries + 1) * (waitedMillis / 1000.0) / length : 0;
        double pastAge = tooOld ? (waitedMillis - maxWait.toMillis()) / 1000.0 : 0;
        return Optional.of(retryAfter(Math.max(pastLength, pastAge)));
    }

    /** Seconds of submissions the workers get through per second, once measured. */
    public synchronized Optional<Double> drainSpeed() {
        return speed < 0 ? Optional.empty() : Optional.of(speed);
    }

    private Duration retryAfter(double excessSeconds) {
        if (speed <= 0.01) {
            return maxRetryAfter;
        }
        long millis = (long) Math.ceil(excessSeconds / speed * 1000);
        Duration wait = Duration.ofMillis(Math.max(1000, millis));
        return wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait;
    }
}
