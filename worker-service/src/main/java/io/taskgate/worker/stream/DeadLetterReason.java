package io.taskgate.worker.stream;

/** Why an entry was moved to the dead-letter stream; its name is the entry's {@code reason} field. */
public enum DeadLetterReason {
    /** The entry's fields do not make a task entry: no retry can repair it. */
    MALFORMED_ENTRY,
    /** The task failed with a retryable error on its last allowed attempt. */
    RETRIES_EXHAUSTED,
    /** The task was started as many times as its deliveries allow, without an outcome. */
    DELIVERY_LIMIT
}
