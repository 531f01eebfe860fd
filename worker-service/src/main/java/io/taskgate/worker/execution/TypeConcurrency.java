package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.taskgate.worker.config.WorkerConfig;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-type concurrency limits ({@code taskgate.worker.policies."<type>".max-concurrency}).
 * A task of a limited type waits for a place before its attempt starts, still queued in the
 * database; types without a limit pass straight through.
 *
 * <p>Waiting tasks hold their dispatcher slot: a burst of one limited type can fill the worker's
 * slots and hold back other types behind it, so limits suit types that are a small share of
 * the traffic, or workers that run only those types.
 */
@ApplicationScoped
public class TypeConcurrency {

    private final Function<String, Optional<Integer>> limitOf;
    private final Map<String, Optional<ConcurrencyGate>> gates = new ConcurrentHashMap<>();

    @Inject
    public TypeConcurrency(WorkerConfig config) {
        this(type -> Optional.ofNullable(config.policies().get(type)).flatMap(WorkerConfig.PolicyOverride::maxConcurrency));
    }

    /** @param limitOf each type's limit, empty for none */
    TypeConcurrency(Function<String, Optional<Integer>> limitOf) {
        this.limitOf = limitOf;
    }

    /**
     * Runs {@code work} once the type has a free place, on {@code context} (the delivery's own,
     * whatever thread freed the place), and frees the place when the work ends either way.
     */
    public <T> Uni<T> limit(String type, Context context, Supplier<Uni<T>> work) {
        Optional<ConcurrencyGate> gate = gates.computeIfAbsent(type, this::gateFor);
        if (gate.isEmpty()) {
            return Uni.createFrom().deferred(work::get);
        }
        ConcurrencyGate own = gate.get();
        return Uni.createFrom().<Void>emitter(placed -> {
                    // A waiter given up (cancelled) before its turn passes the place straight on.
                    AtomicBoolean abandoned = new AtomicBoolean();
                    placed.onTermination(() -> abandoned.set(true));
                    own.enter(() -> context.runOnContext(ignored -> {
                        if (abandoned.get()) {
                            own.leave();
                        } else {
                            placed.complete(null);
                        }
                    }));
                })
                .chain(() -> work.get().onTermination().invoke(own::leave));
    }

    private Optional<ConcurrencyGate> gateFor(String type) {
        return limitOf.apply(type).map(ConcurrencyGate::new);
    }
}
