package io.taskgate.api.task;

import io.taskgate.model.TaskView;

/** The answer to a submission: the task, and whether it was created earlier under the same Idempotency-Key. */
public record Submission(TaskView task, boolean replayed) {

    static Submission created(TaskView task) {
        return new Submission(task, false);
    }

    static Submission replayed(TaskView task) {
        return new Submission(task, true);
    }
}
