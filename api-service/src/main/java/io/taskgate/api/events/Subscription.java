package io.taskgate.api.events;

import io.quarkus.websockets.next.WebSocketConnection;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One connection following one task. Until the snapshot (and the output buffered so far) has
 * been sent, live events are held back; afterwards only what the client does not have yet is
 * sent. That keeps every subscriber's stream in order and free of duplicates, whatever the
 * timing between the reads and the events arriving from Redis:
 * <ul>
 *   <li>stored changes (status, progress) go out only if their {@code seq} is above the last one
 *       sent;</li>
 *   <li>output chunks go out in {@code outputIndex} order per attempt: a chunk already sent is
 *       dropped, and a newer attempt starts again from index 0.</li>
 * </ul>
 */
final class Subscription {

    private final WebSocketConnection connection;
    private final UUID taskId;
    private final List<TaskEvent> heldBack = new ArrayList<>();
    private boolean live;
    private boolean closed;
    private long lastSentSeq;
    private int outputAttempt;
    private int nextOutputIndex;

    Subscription(WebSocketConnection connection, UUID taskId) {
        this.connection = connection;
        this.taskId = taskId;
    }

    UUID taskId() {
        return taskId;
    }


    /**
     * Sends the snapshot, then the output its attempt produced so far, then whatever newer
     * events arrived while both were being read. A resuming client ({@code seen} not null) is
     * spared what it already has: no snapshot if its seq is the current one, and of the current
     * attempt's output only the pieces after the last it received.
     */
    synchronized void start(TaskEvent snapshot, List<TaskEvent> outputSoFar, EventEncoder encoder,
            SocketMessages.SeenSoFar seen) {
        if (closed) {
            return;
        }
        boolean current = seen != null && seen.seq() == snapshot.seq();
        if (!current) {
            send(snapshot, encoder);
        }
        lastSentSeq = snapshot.seq();
        outputAttempt = snapshot.attempt();
        if (seen != null && seen.attempt() != null && seen.attempt() == snapshot.attempt()) {
            nextOutputIndex = seen.outputIndex() + 1;
        }
        outputSoFar.forEach(chunk -> deliver(chunk, encoder));
        heldBack.forEach(event -> deliver(event, encoder));
        heldBack.clear();
        live = true;
    }

    synchronized void offer(TaskEvent event, EventEncoder encoder) {
        if (closed) {
            return;
        }
        if (live) {
            deliver(event, encoder);
        } else {
            heldBack.add(event);
        }
    }

    synchronized void close() {
        closed = true;
        heldBack.clear();
    }

    private void deliver(TaskEvent event, EventEncoder encoder) {
        if (event.type() == TaskEventType.OUTPUT) {
            deliverOutput(event, encoder);
        } else if (event.seq() > lastSentSeq) {
            lastSentSeq = event.seq();
            send(event, encoder);
        }
    }

    private void deliverOutput(TaskEvent chunk, EventEncoder encoder) {
        if (chunk.attempt() < outputAttempt) {
            return;
        }
        if (chunk.attempt() > outputAttempt) {
            outputAttempt = chunk.attempt();
            nextOutputIndex = 0;
        }
        if (chunk.outputIndex() == null || chunk.outputIndex() < nextOutputIndex) {
            return;
        }
        nextOutputIndex = chunk.outputIndex() + 1;
        send(chunk, encoder);
    }

    /**
     * Sends without waiting: writes from here are queued on the connection in call order, and
     * the lock above fixes that order.
     */
    private void send(TaskEvent event, EventEncoder encoder) {
        SocketConnections.outbox(connection).send(encoder.encode(event));
    }
}
