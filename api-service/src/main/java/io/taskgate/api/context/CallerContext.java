package io.taskgate.api.context;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A request's work must go on on the Vert.x context it started on: its Hibernate Reactive
 * session lives there. A result shared between requests (one read serving many), or computed
 * on a worker thread, completes elsewhere; this brings each request back to its own context.
 */
public final class CallerContext {

    private CallerContext() {
    }

    /** {@code result}, emitted on the context of whoever calls this (unchanged off Vert.x). */
    public static <T> Uni<T> backOnCallersContext(Uni<T> result) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return result;
        }
        return result.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }
}
