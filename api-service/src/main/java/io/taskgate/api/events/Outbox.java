package io.taskgate.api.events;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Every message to one connection, counted until it has been written. The socket itself would
 * queue without bound behind a client that stops reading; past the limit the connection is
 * closed with 1013 (try again later) and the client reconnects and resumes instead.
 */
final class Outbox {

    /** Close code for a client that does not keep up with its messages. */
    static final int TOO_SLOW = 1013;
    private static final Logger LOG = Logger.getLogger(Outbox.class);

    private final WebSocketConnection connection;
    private final int limit;
    private final AtomicInteger unwritten = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();

    Outbox(WebSocketConnection connection, int limit) {
        this.connection = connection;
        this.limit = limit;
    }

    /** Queues the message without waiting; messages from one caller go out in call order. */
    void send(String text) {
        write(text).subscribe().with(ignored -> { },
                failure -> LOG.debugf("could not push to connection %s: %s", connection.id(), failure.getMessage()));
    }

    /** Queues the message; the result completes once it has been written (or dropped). */
    Uni<Void> write(String text) {
        if (closing.get()) {
            return Uni.createFrom().voidItem();
        }
        if (unwritten.incrementAndGet() > limit) {
            unwritten.decrementAndGet();
            tooSlow();
            return Uni.createFrom().voidItem();
        }
        return connection.sendText(text).eventually(unwritten::decrementAndGet);
    }

    private void tooSlow() {
        if (closing.compareAndSet(false, true)) {
            LOG.debugf("closing WebSocket %s: %d messages wait unwritten", connection.id(), limit);
            connection.close(new CloseReason(TOO_SLOW, "not reading fast enough; reconnect and resume"))
                    .subscribe().with(ignored -> { }, failure -> { });
        }
    }
}
