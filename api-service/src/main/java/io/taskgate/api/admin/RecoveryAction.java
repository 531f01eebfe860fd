package io.taskgate.api.admin;

import io.taskgate.api.problem.ProblemException;
import java.util.Locale;

/** What an operator does with a stuck task. */
public enum RecoveryAction {
    /** Put it back on the stream for another worker. */
    REQUEUE,
    /** Give up on it: FAILED with code STUCK, not retryable. */
    FAIL;

    public static RecoveryAction parse(String action) {
        if (action != null) {
            for (RecoveryAction value : values()) {
                if (value.name().equalsIgnoreCase(action.trim())) {
                    return value;
                }
            }
        }
        throw ProblemException.badRequest("invalid-action", "'action' must be 'requeue' or 'fail'");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
