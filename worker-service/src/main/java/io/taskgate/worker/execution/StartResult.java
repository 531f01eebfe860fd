package io.taskgate.worker.execution;

import io.taskgate.model.TaskRecord;

/**
 * What became of a delivery when the worker tried to start its task.
 *
 * @param task the row after the change; null when nothing changed
 * @param started the task is now RUNNING under this delivery
 * @param deadLetterReason set when the task was given up on and its entry belongs in the
 *     dead-letter stream
 */
record StartResult(TaskRecord task, boolean started, String deadLetterReason) {

    static StartResult started(TaskRecord task) {
        return new StartResult(task, true, null);
    }

    /** Nothing to run: the task is gone, finished, not due yet, or held by another delivery. */
    static StartResult skipped() {
        return new StartResult(null, false, null);
    }

    /** The task was settled without running (cancelled, or over its delivery limit). */
    static StartResult settled(TaskRecord task, String deadLetterReason) {
        return new StartResult(task, false, deadLetterReason);
    }
}
