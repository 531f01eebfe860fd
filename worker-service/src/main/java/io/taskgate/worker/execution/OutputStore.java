package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskEvent;

/**
 * Keeps the output pieces of an attempt so that a late subscriber can be replayed them, and
 * announces each piece as it is kept.
 */
public interface OutputStore {

    /**
     * Keeps {@code announcement}'s piece of output and publishes the announcement, together: a
     * subscriber who hears of the piece can find it kept, and a model streaming tokens costs one
     * round trip per piece, not two.
     */
    Uni<Void> keepAndAnnounce(TaskEvent announcement);
}
