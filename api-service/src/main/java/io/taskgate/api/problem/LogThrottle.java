package io.taskgate.api.problem;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * At most one line per window for one kind of event. The first event of a quiet spell is let
 * through at once; those that follow within the window are only counted, and the first one after
 * the window is let through carrying that count. Safe across event-loop threads.
 */
public final class LogThrottle {

    private final Duration window;
    private Instant lastAdmitted;
    private long suppressed;

    public LogThrottle(Duration window) {
        this.window = window;
    }

    /**
     * Whether to log this event: empty if it falls in the current window, otherwise how many
     * events were held back since the last line (0 after a quiet spell).
     */
    public synchronized OptionalLong admit(Instant now) {
        if (lastAdmitted != null && now.isBefore(lastAdmitted.plus(window))) {
            suppressed++;
            return OptionalLong.empty();
        }
        long heldBack = suppressed;
        lastAdmitted = now;
        suppressed = 0;
        return OptionalLong.of(heldBack);
    }
}
