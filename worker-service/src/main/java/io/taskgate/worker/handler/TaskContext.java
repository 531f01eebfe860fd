package io.taskgate.worker.handler;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.UUID;

/** What a handler may do while its task runs. */
public interface TaskContext {

    UUID taskId();

    String tenantId();

    /** The attempt number, 1 for the first run. */
    int attempt();

    /**
     * Records how far along the task is (0..1) and pushes it to subscribers. Answers at once;
     * reports closer together than a few tens of milliseconds are coalesced (the last wins), and
     * the latest is stored before the task's outcome.
     */
    Uni<Void> progress(double fraction);

    /** Pushes a piece of partial output (for example a few LLM tokens) to subscribers. */
    Uni<Void> output(String chunk);

    /** Waits without holding a thread, and resumes where task work is allowed to run. */
    Uni<Void> sleep(Duration duration);
}
