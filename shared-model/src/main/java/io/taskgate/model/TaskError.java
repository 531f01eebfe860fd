package io.taskgate.model;

/**
 * Why a task failed: a stable machine-readable code, a message for people, and whether trying
 * again could help.
 */
public record TaskError(String code, String message, boolean retryable) {

    public static TaskError permanent(String code, String message) {
        return new TaskError(code, message, false);
    }

    public static TaskError transientError(String code, String message) {
        return new TaskError(code, message, true);
    }
}
