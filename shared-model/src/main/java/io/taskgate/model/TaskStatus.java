package io.taskgate.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a task. Every allowed transition is listed here, so both services agree on
 * what may follow what, and storage updates can guard on the expected current status.
 */
public enum TaskStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the task has reached an outcome that nothing may change any more. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The statuses this one may move to. */
    public Set<TaskStatus> successors() {
        return switch (this) {
            // A queued task is picked up by a worker, cancelled before it runs again, or given up
            // on without another run (over its delivery limit, or failed by an operator).
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            // A running task ends one way or another, or goes back to the queue for another attempt.
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(TaskStatus.class);
        };
    }

    public boolean canMoveTo(TaskStatus next) {
        return successors().contains(next);
    }

    /** Parses a status name case-insensitively; empty when the name is not a status. */
    public static java.util.Optional<TaskStatus> parse(String name) {
        if (name == null) {
            return java.util.Optional.empty();
        }
        for (TaskStatus status : values()) {
            if (status.name().equalsIgnoreCase(name.trim())) {
                return java.util.Optional.of(status);
            }
        }
        return java.util.Optional.empty();
    }
}
