package io.taskgate.api.context;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * One read at a time, shared by every request that asks while it runs: a cache refresh that a
 * burst of requests must not start many times over. Each request goes on on its own Vert.x
 * context, whichever request started the read.
 */
public final class SharedRead<T> {

    private final Supplier<Uni<T>> read;
    private Uni<T> running;

    public SharedRead(Supplier<Uni<T>> read) {
        this.read = read;
    }

    /** The read under way, or a new one; completes on the caller's context. */
    public Uni<T> get() {
        return CallerContext.backOnCallersContext(shared());
    }

    private synchronized Uni<T> shared() {
        if (running == null) {
            running = read.get().eventually(this::done).memoize().indefinitely();
        }
        return running;
    }

    private synchronized void done() {
        running = null;
    }
}
