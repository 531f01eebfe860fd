package io.taskgate.worker.execution;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Runs a unit of background work (a heartbeat, a sweep, a purge) on a fresh duplicated Vert.x
 * context of its own, the way Hibernate Reactive needs it: its session lives in the context,
 * and two units of work must never share one.
 */
@ApplicationScoped
public class IsolatedWork {

    private final Vertx vertx;

    public IsolatedWork(Vertx vertx) {
        this.vertx = vertx;
    }

    public <T> Uni<T> run(Supplier<Uni<? extends T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().<T>deferred(work)
                .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
    }
}
