package io.taskgate.worker.stream;

/**
 * Nack a message with this to have the connector move its entry to the dead-letter stream and
 * acknowledge it. Any other nack leaves the entry pending, to be delivered again later.
 */
public class DeadLetter extends RuntimeException {

    private final DeadLetterReason reason;

    public DeadLetter(DeadLetterReason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
