package io.taskgate.api.events;

import io.quarkus.websockets.next.WebSocketConnection;
import io.taskgate.model.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One connection following one task. Until the snapshot has been sent, events are held back;
 * afterwards only events newer than what the client already has are sent. That keeps every
 * subscriber's stream in {@code seq} order and free of duplicates, whatever the timing between
 * the snapshot read and the events arriving from Redis.
 */
final class Subscription {

    private static final Logger LOG = Logger.getLogger(Subscription.class);

    private final WebSocketConnection connection;
    private final UUID taskId;
    private final List<TaskEvent> heldBack = new ArrayList<>();
    private boolean live;
    private long lastSentSeq;
    private boolean closed;

    Subscription(WebSocketConnection connection, UUID taskId) {
        this.connection = connection;
        this.taskId = taskId;
    }

    UUID taskId() {
        return taskId;
    }

    String connectionId() {
        return connection.id();
    }

    /** Sends the snapshot, then whatever newer events arrived while it was being read. */
    synchronized void start(TaskEvent snapshot, EventEncoder encoder) {
        if (closed) {
            return;
        }
        send(snapshot, encoder);
        for (TaskEvent event : heldBack) {
            if (event.seq() > lastSentSeq) {
                send(event, encoder);
            }
        }
        heldBack.clear();
        live = true;
    }

    synchronized void offer(TaskEvent event, EventEncoder encoder) {
        if (closed) {
            return;
        }
        if (!live) {
            heldBack.add(event);
        } else if (event.seq() > lastSentSeq) {
            send(event, encoder);
        }
    }

    synchronized void close() {
        closed = true;
        heldBack.clear();
    }

    /**
     * Sends without waiting: writes from here are queued on the connection in call order, and
     * the lock above fixes that order.
     */
    private void send(TaskEvent event, EventEncoder encoder) {
        lastSentSeq = event.seq();
        connection.sendText(encoder.encode(event)).subscribe().with(
                ignored -> { },
                failure -> LOG.debugf("could not push to connection %s: %s", connection.id(), failure.getMessage()));
    }
}
