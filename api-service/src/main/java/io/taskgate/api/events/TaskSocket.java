package io.taskgate.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.SocketAuthentication;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.task.TaskRepository;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code /ws/tasks}: clients subscribe to task ids and receive each task's current view, then
 * every later event for it. A frame that cannot be understood is answered with an error
 * message; the connection stays open. The upgrade itself is authenticated
 * ({@link SocketAuthentication}), and a connection only ever sees its own tenant's tasks.
 */
@WebSocket(path = "/ws/tasks")
public class TaskSocket {

    private static final int MAX_IDS_PER_FRAME = 100;

    private final TaskSubscriptions subscriptions;
    private final TaskRepository tasks;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final OutputReplay replay;
    private final SystemTopic system;

    public TaskSocket(TaskSubscriptions subscriptions, TaskRepository tasks, ApiConfig config,
            ObjectMapper json, OutputReplay replay, SystemTopic system) {
        this.subscriptions = subscriptions;
        this.tasks = tasks;
        this.config = config;
        this.json = json;
        this.replay = replay;
        this.system = system;
    }

    @OnTextMessage
    Uni<Void> onMessage(String text, WebSocketConnection connection) {
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
            ids = hasTasks ? parseIds(frame.taskIds()) : List.of();
        } catch (IllegalArgumentException e) {
            return sendError(connection, "BAD_FRAME", e.getMessage());
        }
        boolean subscribing = "subscribe".equals(frame.op());
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
        return ids.isEmpty() ? Uni.createFrom().voidItem() : subscribe(connection, ids);
    }

    @OnClose
    void onClose(WebSocketConnection connection) {
        subscriptions.removeConnection(connection.id());
        system.unsubscribe(connection.id());
    }

    /** The ids as UUIDs; refuses too many, or one that is not a UUID, saying which. */
    private static List<UUID> parseIds(List<String> raw) {
        if (raw.size() > MAX_IDS_PER_FRAME) {
            throw new IllegalArgumentException("at most " + MAX_IDS_PER_FRAME + " task ids per frame");
        }
        List<UUID> ids = new ArrayList<>();
        for (String id : raw) {
            try {
                ids.add(UUID.fromString(String.valueOf(id)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + id + "' is not a task id");
            }
        }
        return ids;
    }

    private Uni<Void> subscribe(WebSocketConnection connection, List<UUID> ids) {
        int limit = config.sockets().maxSubscriptionsPerConnection();
        if (subscriptions.countFor(connection.id()) + ids.size() > limit) {
            return sendError(connection, "TOO_MANY_SUBSCRIPTIONS", "one connection may follow at most " + limit + " tasks");
        }
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> subscribeOne(connection, id))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> subscribeOne(WebSocketConnection connection, UUID taskId) {
        var added = subscriptions.add(connection, taskId);
        if (added.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Subscription subscription = added.get();
        // Only the tenant the connection was opened for: another tenant's task is "not found".
        String tenantId = SocketAuthentication.callerOf(connection).tenantId();
        return Panache.withSession(() -> tasks.findForTenant(taskId, tenantId))
                .chain(task -> {
                    if (task == null) {
                        subscriptions.remove(connection.id(), taskId);
                        return send(connection, SocketMessages.ErrorMessage.forTask(taskId, "TASK_NOT_FOUND",
                                "no task with id " + taskId));
                    }
                    TaskView view = TaskViews.of(task, json);
                    return replay.soFar(view).invoke(outputSoFar -> subscription.start(
                            TaskEvent.of(TaskEventType.SNAPSHOT, view), outputSoFar, subscriptions.encoder()))
                            .replaceWithVoid();
                })
                .onFailure().recoverWithUni(failure -> {
                    subscriptions.remove(connection.id(), taskId);
                    return send(connection, SocketMessages.ErrorMessage.forTask(taskId, "UNAVAILABLE",
                            "the task could not be read; subscribe again later"));
                });
    }

    private Uni<Void> sendError(WebSocketConnection connection, String code, String message) {
        return send(connection, SocketMessages.ErrorMessage.of(code, message));
    }

    private Uni<Void> send(WebSocketConnection connection, Object message) {
        return connection.sendText(subscriptions.encoder().encode(message));
    }
}
