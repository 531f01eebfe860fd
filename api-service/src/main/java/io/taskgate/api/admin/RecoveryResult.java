package io.taskgate.api.admin;

import java.util.UUID;

/** What happened to one task of a recovery request. */
public record RecoveryResult(UUID taskId, Outcome outcome, String detail) {

    public enum Outcome {
        REQUEUED,
        FAILED,
        /** It moved on (or was never stuck) by the time its row was locked; nothing was changed. */
        NOT_STUCK,
        NOT_FOUND,
        /** Nothing or only part of the action could be done; {@code detail} says what. */
        ERROR
    }
}
