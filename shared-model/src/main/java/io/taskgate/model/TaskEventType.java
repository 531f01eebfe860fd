package io.taskgate.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** What kind of change a {@link TaskEvent} reports. */
public enum TaskEventType {
    /** The first message for a subscription: the task as it is now. */
    SNAPSHOT,
    /** The status changed. */
    STATUS,
    /** The handler reported how far along it is. */
    PROGRESS,
    /** The handler produced a piece of partial output (for example LLM tokens). */
    OUTPUT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
