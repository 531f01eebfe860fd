package io.taskgate.simulator;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The life of one chat completion request in the stats: counted active from arrival until its
 * response ends or its client goes away, whichever comes first, and only once.
 */
final class ChatExchange {

    private final SimulatorStats stats;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final long arrivedNanos = System.nanoTime();
    private volatile Runnable onClientClose = () -> { };

    ChatExchange(HttpServerResponse response, SimulatorStats stats) {
        this.stats = stats;
        stats.requestStarted();
        // Vert.x calls this only while the response is still in progress: a client that hangs
        // up after the last byte is not a disconnect.
        response.closeHandler(ignored -> clientClosed());
    }

    /** What to stop (timers) when the client leaves early. */
    void onClientClose(Runnable action) {
        this.onClientClose = action;
    }

    boolean isOpen() {
        return !ended.get();
    }

    /** Records the status a response is about to be sent with; call before writing it. */
    void responding(int status) {
        stats.responded(status);
    }

    /**
     * Marks the request done. Called just before the last bytes are written, so a client that
     * reads the stats right after the response already sees it counted.
     */
    void finish() {
        if (ended.compareAndSet(false, true)) {
            stats.requestEnded(false, System.nanoTime() - arrivedNanos);
        }
    }

    /** Sends an immediate answer (an error) and marks the request done. */
    void finishWith(int status, Runnable send) {
        if (ended.compareAndSet(false, true)) {
            stats.responded(status);
            stats.requestEnded(false, System.nanoTime() - arrivedNanos);
            send.run();
        }
    }

    private void clientClosed() {
        if (ended.compareAndSet(false, true)) {
            stats.requestEnded(true, System.nanoTime() - arrivedNanos);
            onClientClose.run();
        }
    }
}
