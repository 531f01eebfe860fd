package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/** Keeps the output pieces of an attempt so that a late subscriber can be replayed them. */
public interface OutputStore {

    /** Appends a piece; answers its index within the attempt's output. */
    Uni<Integer> append(UUID taskId, int attempt, String chunk);
}
