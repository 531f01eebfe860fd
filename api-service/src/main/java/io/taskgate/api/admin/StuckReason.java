package io.taskgate.api.admin;

/** Why a task is reported stuck. */
public enum StuckReason {
    /** Running, but no sign of life from its worker for longer than the running threshold. */
    RUNNING_WITHOUT_HEARTBEAT,
    /** Queued and due, but not picked up for longer than the queued threshold. */
    QUEUED_TOO_LONG
}
