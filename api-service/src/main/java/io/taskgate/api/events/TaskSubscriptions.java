package io.taskgate.api.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.WebSocketConnection;
import io.taskgate.model.TaskEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who on this api instance follows which task. Events from Redis are handed out from here to
 * the local connections that asked for them.
 */
@ApplicationScoped
public class TaskSubscriptions {

    private final Map<UUID, Map<String, Subscription>> byTask = new ConcurrentHashMap<>();
    private final Map<String, Set<UUID>> byConnection = new ConcurrentHashMap<>();
    private final EventEncoder encoder;

    TaskSubscriptions(EventEncoder encoder, MeterRegistry meters) {
        this.encoder = encoder;
        meters.gauge("taskgate.ws.subscriptions", this, TaskSubscriptions::size);
        meters.gauge("taskgate.ws.subscribed.connections", byConnection, Map::size);
    }

    /**
     * Registers interest before the snapshot is read, so no event can fall between the read and
     * the registration. Empty when the connection already follows the task.
     */
    Optional<Subscription> add(WebSocketConnection connection, UUID taskId) {
        Subscription subscription = new Subscription(connection, taskId);
        Subscription existing = byTask.computeIfAbsent(taskId, id -> new ConcurrentHashMap<>())
                .putIfAbsent(connection.id(), subscription);
        if (existing != null) {
            return Optional.empty();
        }
        byConnection.computeIfAbsent(connection.id(), id -> ConcurrentHashMap.newKeySet()).add(taskId);
        return Optional.of(subscription);
    }

    void remove(String connectionId, UUID taskId) {
        byTask.computeIfPresent(taskId, (id, subscribers) -> {
            Subscription removed = subscribers.remove(connectionId);
            if (removed != null) {
                removed.close();
            }
            return subscribers.isEmpty() ? null : subscribers;
        });
        Set<UUID> tasks = byConnection.get(connectionId);
        if (tasks != null) {
            tasks.remove(taskId);
        }
    }

    void removeConnection(String connectionId) {
        Set<UUID> tasks = byConnection.remove(connectionId);
        if (tasks != null) {
            tasks.forEach(taskId -> remove(connectionId, taskId));
        }
    }

    int countFor(String connectionId) {
        Set<UUID> tasks = byConnection.get(connectionId);
        return tasks == null ? 0 : tasks.size();
    }

    /** Total subscriptions on this instance, for metrics. */
    public int size() {
        return byConnection.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether any connection on this instance follows the task. */
    boolean isFollowed(UUID taskId) {
        return byTask.containsKey(taskId);
    }

    /** Hands an event to every local subscriber of its task. */
    public void dispatch(TaskEvent event) {
        Map<String, Subscription> subscribers = byTask.get(event.taskId());
        if (subscribers != null) {
            subscribers.values().forEach(subscription -> subscription.offer(event, encoder));
        }
    }

    EventEncoder encoder() {
        return encoder;
    }
}
