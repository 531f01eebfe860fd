package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this worker is running right now, each with a switch that cancels it. Cancel
 * requests arrive from any api instance through Redis; only the worker holding the task acts.
 */
@ApplicationScoped
public class RunningTasks {

    private final Map<UUID, CompletableFuture<Void>> cancelSwitches = new ConcurrentHashMap<>();

    /**
     * Registers an attempt of a task; the returned switch completes if and when its cancellation
     * is asked for. A newer attempt of the same task (a restart) replaces the older one.
     */
    CompletableFuture<Void> register(UUID taskId) {
        CompletableFuture<Void> cancelSwitch = new CompletableFuture<>();
        cancelSwitches.put(taskId, cancelSwitch);
        return cancelSwitch;
    }

    /**
     * Forgets an attempt, unless a newer attempt of the task has registered since: the older
     * attempt ending late must not take the newer one out of the heartbeat and cancel lists.
     */
    void remove(UUID taskId, CompletableFuture<Void> cancelSwitch) {
        cancelSwitches.remove(taskId, cancelSwitch);
    }

    /** Cancels the task if it runs here; false when it does not. */
    public boolean cancel(UUID taskId) {
        CompletableFuture<Void> cancelSwitch = cancelSwitches.get(taskId);
        return cancelSwitch != null && cancelSwitch.complete(null);
    }

    public Set<UUID> ids() {
        return Set.copyOf(cancelSwitches.keySet());
    }

}
