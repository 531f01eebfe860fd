package io.taskgate.api.limits;

import io.taskgate.api.auth.Role;

/** The two kinds of budget a call draws on: writes (submits and cancels) and reads. */
public enum RateClass {
    SUBMIT("submit"), READ("read");

    private final String wireName;

    RateClass(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Calls that need {@code submit} change tasks; everything else only reads. */
    public static RateClass of(Role required) {
        return required == Role.SUBMIT ? SUBMIT : READ;
    }
}
