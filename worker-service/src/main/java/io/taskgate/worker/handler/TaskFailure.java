package io.taskgate.worker.handler;

import io.taskgate.model.TaskError;

/** A handler's way to fail a task with a chosen error code and retry advice. */
public class TaskFailure extends RuntimeException {

    private final transient TaskError error;

    public TaskFailure(TaskError error) {
        super(error.code() + ": " + error.message());
        this.error = error;
    }

    public static TaskFailure invalidInput(String message) {
        return new TaskFailure(TaskError.permanent("INVALID_INPUT", message));
    }

    public TaskError error() {
        return error;
    }
}
