package io.taskgate.model.health;

/**
 * How many attempts of one task type ended one way within a worker's outcome window.
 *
 * @param outcome {@code succeeded}, {@code failed} (for good), {@code retried} (failed, another
 *     attempt scheduled), {@code cancelled}, {@code deferred} (handed back before doing any
 *     work) or {@code superseded} (another attempt had taken the task over)
 */
public record OutcomeCount(String type, String outcome, long count) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String RETRIED = "retried";
    public static final String CANCELLED = "cancelled";
    public static final String DEFERRED = "deferred";
    public static final String SUPERSEDED = "superseded";

    /** Outcomes that count against the error rate: the attempt failed. */
    public boolean isError() {
        return FAILED.equals(outcome) || RETRIED.equals(outcome);
    }

    /** Outcomes the error rate is taken over: attempts that ran to a verdict. */
    public boolean isVerdict() {
        return isError() || SUCCEEDED.equals(outcome);
    }
}
