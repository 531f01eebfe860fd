package io.taskgate.api.events;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.vertx.core.buffer.Buffer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.task.TaskRepository;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import io.taskgate.model.TaskRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /ws/tasks}: clients subscribe to task ids and receive each task's current view, then
 * every later event for it. A frame that cannot be understood is answered with an error
 * message; the connection stays open. The upgrade itself is authenticated
 * ({@link SocketUpgrade}), and a connection only ever sees its own tenant's tasks.
 */
@WebSocket(path = "/ws/tasks")
public class TaskSocket {

    /** The largest message a client may send; kept equal to {@code max-message-size} in application.properties. */
    static final int MAX_MESSAGE_BYTES = 65_536;
    private static final int MESSAGE_TOO_BIG = 1009;

    private final TaskSubscriptions subscriptions;
    private final TaskRepository tasks;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final OutputReplay replay;
    private final SystemTopic system;
    private final SocketConnections connections;

    public TaskSocket(TaskSubscriptions subscriptions, TaskRepository tasks, ApiConfig config,
            ObjectMapper json, OutputReplay replay, SystemTopic system, SocketConnections connections) {
        this.connections = connections;
        this.subscriptions = subscriptions;
        this.tasks = tasks;
        this.config = config;
        this.json = json;
        this.replay = replay;
        this.system = system;
    }

    @OnOpen
    void onOpen(WebSocketConnection connection) {
        connections.opened(connection);
    }

    @OnPongMessage
    void onPong(Buffer pong, WebSocketConnection connection) {
        connections.heard(connection);
    }

    /**
     * A message over {@code quarkus.websockets-next.server.max-message-size} is dropped by the
     * server before it reaches {@link #onMessage}; the client is told why, and the connection
     * closed with 1009 as the WebSocket protocol has it.
     */
    @OnError
    Uni<Void> onTooLarge(IllegalStateException tooLarge, WebSocketConnection connection) {
        return sendError(connection, "FRAME_TOO_LARGE", "a frame may carry at most " + MAX_MESSAGE_BYTES + " bytes")
                .onFailure().recoverWithNull()
                .chain(() -> connection.close(new CloseReason(MESSAGE_TOO_BIG, "frame too large")));
    }

    @OnTextMessage
    Uni<Void> onMessage(String text, WebSocketConnection connection) {
        connections.heard(connection);
        SocketMessages.ClientFrame frame;
        try {
            frame = json.readValue(text, SocketMessages.ClientFrame.class);
        } catch (Exception e) {
            return sendError(connection, "BAD_FRAME", "frames are JSON: {\"op\":\"subscribe\",\"taskIds\":[...]}");
        }
        if (frame == null || !"subscribe".equals(frame.op()) && !"unsubscribe".equals(frame.op())) {
            return sendError(connection, "BAD_FRAME", "'op' must be 'subscribe' or 'unsubscribe'");
        }
        boolean hasTasks = frame.taskIds() != null && !frame.taskIds().isEmpty();
        boolean hasTopics = frame.topics() != null && !frame.topics().isEmpty();
        if (!hasTasks && !hasTopics) {
            return sendError(connection, "BAD_FRAME", "'taskIds' (or 'topics') must be a non-empty list");
        }
        if (hasTopics && !frame.topics().stream().allMatch(SystemTopic.NAME::equals)) {
            return sendError(connection, "BAD_FRAME", "the only topic is '" + SystemTopic.NAME + "'");
        }
        List<UUID> ids;
        try {
            ids = hasTasks ? parseIds(frame.taskIds(), config.sockets().maxIdsPerFrame()) : List.of();
        } catch (IllegalArgumentException e) {
            return sendError(connection, "BAD_FRAME", e.getMessage());
        }
        boolean subscribing = "subscribe".equals(frame.op());
        Map<UUID, SocketMessages.SeenSoFar> resume;
        try {
            resume = resumePoints(frame, ids, subscribing);
        } catch (IllegalArgumentException e) {
            return sendError(connection, "BAD_FRAME", e.getMessage());
        }
        if (hasTopics) {
            if (subscribing) {
                system.subscribe(connection);
            } else {
                system.unsubscribe(connection.id());
            }
        }
        if (!subscribing) {
            ids.forEach(id -> subscriptions.remove(connection.id(), id));
            return Uni.createFrom().voidItem();
        }
        return ids.isEmpty() ? Uni.createFrom().voidItem() : subscribe(connection, ids, resume);
    }

    /** Resume points, each for a task the frame subscribes to, each one a client could have seen. */
    private static Map<UUID, SocketMessages.SeenSoFar> resumePoints(SocketMessages.ClientFrame frame, List<UUID> ids,
            boolean subscribing) {
        if (frame.resume() == null || frame.resume().isEmpty()) {
            return Map.of();
        }
        if (!subscribing) {
            throw new IllegalArgumentException("'resume' goes with 'subscribe'");
        }
        Map<UUID, SocketMessages.SeenSoFar> points = new HashMap<>();
        frame.resume().forEach((rawId, seen) -> {
            UUID id;
            try {
                id = UUID.fromString(rawId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + abbreviated(rawId) + "' in 'resume' is not a task id");
            }
            if (!ids.contains(id)) {
                throw new IllegalArgumentException("'resume' names " + id + ", which the frame does not subscribe to");
            }
            String problem = seen == null ? "a resume point is an object with 'seq'" : seen.problem();
            if (problem != null) {
                throw new IllegalArgumentException("resume point of " + id + ": " + problem);
            }
            points.put(id, seen);
        });
        return points;
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        connections.closed(connection);
        subscriptions.removeConnection(connection.id());
        system.unsubscribe(connection.id());
    }

    /** The ids as UUIDs; refuses too many, or one that is not a UUID, saying which. */
    private static List<UUID> parseIds(List<String> raw, int maxPerFrame) {
        if (raw.size() > maxPerFrame) {
            throw new IllegalArgumentException("at most " + maxPerFrame + " task ids per frame");
        }
        List<UUID> ids = new ArrayList<>();
        for (String id : raw) {
            try {
                ids.add(UUID.fromString(String.valueOf(id)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + abbreviated(String.valueOf(id)) + "' is not a task id");
            }
        }
        return ids;
    }

    private Uni<Void> subscribe(WebSocketConnection connection, List<UUID> ids,
            Map<UUID, SocketMessages.SeenSoFar> resume) {
        int limit = config.sockets().maxSubscriptionsPerConnection();
        if (subscriptions.countFor(connection.id()) + ids.size() > limit) {
            return sendError(connection, "TOO_MANY_SUBSCRIPTIONS", "one connection may follow at most " + limit + " tasks");
        }
        // Interest is registered before the snapshots are read, so no event falls between the two;
        // the snapshots of the whole frame come from one query.
        Map<UUID, Subscription> added = new java.util.LinkedHashMap<>();
        for (UUID id : ids) {
            subscriptions.add(connection, id).ifPresent(subscription -> added.put(id, subscription));
        }
        if (added.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Only the tenant the connection was opened for: another tenant's task is "not found".
        String tenantId = SocketConnections.callerOf(connection).tenantId();
        return tasks.findAllForTenant(List.copyOf(added.keySet()), tenantId)
                .onFailure().recoverWithNull()
                .chain(found -> Multi.createFrom().iterable(added.entrySet())
                        .onItem().transformToUniAndConcatenate(subscribed -> found == null
                                ? unavailable(connection, subscribed.getKey())
                                : start(connection, subscribed.getKey(), subscribed.getValue(),
                                        found.get(subscribed.getKey()), resume.get(subscribed.getKey())))
                        .collect().last())
                .replaceWithVoid();
    }

    private Uni<Void> start(WebSocketConnection connection, UUID taskId, Subscription subscription, TaskRecord task,
            SocketMessages.SeenSoFar seen) {
        if (task == null) {
            subscriptions.remove(connection.id(), taskId);
            return send(connection, SocketMessages.ErrorMessage.forTask(taskId, "TASK_NOT_FOUND",
                    "no task with id " + taskId));
        }
        TaskView view = TaskViews.of(task, json);
        return replay.soFar(view).invoke(outputSoFar -> subscription.start(
                        TaskEvent.of(TaskEventType.SNAPSHOT, view), outputSoFar, subscriptions.encoder(), seen))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> unavailable(connection, taskId));
    }

    private Uni<Void> unavailable(WebSocketConnection connection, UUID taskId) {
        subscriptions.remove(connection.id(), taskId);
        return send(connection, SocketMessages.ErrorMessage.forTask(taskId, "UNAVAILABLE",
                "the task could not be read; subscribe again later"));
    }

    private Uni<Void> sendError(WebSocketConnection connection, String code, String message) {
        return send(connection, SocketMessages.ErrorMessage.of(code, message));
    }

    private Uni<Void> send(WebSocketConnection connection, Object message) {
        return connections.outboxFor(connection).write(subscriptions.encoder().encode(message));
    }

    /** Enough of a bad value to recognise it, never a megabyte echoed back. */
    private static String abbreviated(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
