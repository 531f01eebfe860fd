package io.taskgate.worker.execution;

import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskView;
import io.taskgate.worker.stream.DeadLetterReason;

/**
 * What became of a delivery when the worker tried to start its task.
 *
 * @param task the row after the change; null when nothing changed
 * @param started the task is now RUNNING under this delivery
 * @param deadLetterReason set when the task was given up on and its entry belongs in the
 *     dead-letter stream
 * @param lastStored the row as this delivery found it, when an earlier delivery of the same entry
 *     may have stored it and died before publishing it; null otherwise
 */
record StartResult(TaskRecord task, boolean started, DeadLetterReason deadLetterReason, TaskView lastStored) {

    static StartResult started(TaskRecord task, TaskView lastStored) {
        return new StartResult(task, true, null, lastStored);
    }

    /** Nothing to run: the task is gone, not due yet, or held by another delivery. */
    static StartResult skipped() {
        return new StartResult(null, false, null, null);
    }

    /** Nothing to run because the task is finished; its final view is published again. */
    static StartResult finished(TaskView lastStored) {
        return new StartResult(null, false, null, lastStored);
    }

    /** The task was settled without running (cancelled, or over its delivery limit). */
    static StartResult settled(TaskRecord task, DeadLetterReason deadLetterReason, TaskView lastStored) {
        return new StartResult(task, false, deadLetterReason, lastStored);
    }
}
