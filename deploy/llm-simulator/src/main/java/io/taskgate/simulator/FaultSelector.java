package io.taskgate.simulator;

import java.util.Random;

/**
 * Draws which fault, if any, a request gets. Seeded so that a run with rates between 0 and 1 can
 * be repeated; a rate of exactly 0 never fires and exactly 1 always does, whatever the draw.
 */
final class FaultSelector {

    enum Fault { NONE, RATE_LIMIT, SERVER_ERROR, BAD_REQUEST, HANG }

    // java.util.Random is thread-safe; the event loops share this one so a seed gives one sequence.
    private volatile Random random;

    FaultSelector(long seed) {
        this.random = new Random(seed);
    }

    void reseed(long seed) {
        this.random = new Random(seed);
    }

    /** Checks the faults in a fixed order, so that with several rates at 1 the outcome is stable. */
    Fault select(SimulatorConfig config) {
        if (fires(config.rateLimitRate())) {
            return Fault.RATE_LIMIT;
        }
        if (fires(config.errorRate())) {
            return Fault.SERVER_ERROR;
        }
        if (fires(config.badRequestRate())) {
            return Fault.BAD_REQUEST;
        }
        if (fires(config.hangRate())) {
            return Fault.HANG;
        }
        return Fault.NONE;
    }

    private boolean fires(double rate) {
        if (rate <= 0) {
            return false;
        }
        if (rate >= 1) {
            return true;
        }
        return random.nextDouble() < rate;
    }
}
