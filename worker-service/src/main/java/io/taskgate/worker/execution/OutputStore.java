package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskEvent;
import java.util.UUID;

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

    /**
     * The attempt is over and its outcome published: what it kept only has to outlive the
     * replays already under way (subscribers who saw it running), since a finished or requeued
     * task is never replayed from here. Without this, the pieces of every finished attempt would
     * sit in Redis for as long as the longest attempt may run.
     */
    Uni<Void> release(UUID taskId, int attempt);
}
