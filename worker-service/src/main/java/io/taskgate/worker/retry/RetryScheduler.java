package io.taskgate.worker.retry;

import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskStreamEntry;
import java.time.Instant;

/** Puts a task's stream entry back on the stream at a later time: its next attempt. */
public interface RetryScheduler {

    Uni<Void> schedule(TaskStreamEntry entry, Instant dueAt);
}
