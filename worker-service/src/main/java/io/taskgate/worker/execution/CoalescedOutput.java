package io.taskgate.worker.execution;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Gathers the output chunks of one attempt for a few milliseconds and sends what gathered as
 * one piece: an LLM streaming token by token would otherwise cost a buffer append and a publish
 * per token. Pieces go out one at a time, in order, each with the next index. {@link #drain}
 * completes once everything handed in has been sent, so the outcome is never recorded (and
 * pushed) ahead of the last output.
 */
final class CoalescedOutput {

    /** How long a chunk may wait for others; short enough that people see no delay. */
    static final Duration LINGER = Duration.ofMillis(25);

    private final Vertx vertx;
    private final BiFunction<String, Integer, Uni<Void>> send;
    private final StringBuilder pending = new StringBuilder();
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
    private boolean sending;
    private long timer = -1;
    private int nextIndex;

    /** {@code send} delivers one piece with its index; its failures are its own to handle. */
    CoalescedOutput(Vertx vertx, BiFunction<String, Integer, Uni<Void>> send) {
        this.vertx = vertx;
        this.send = send;
    }

    synchronized void add(String chunk) {
        pending.append(chunk);
        if (!sending && timer < 0) {
            timer = vertx.setTimer(LINGER.toMillis(), id -> sendPending());
        }
    }

    /** Completes when every chunk added so far has been sent. */
    Uni<Void> drain() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        boolean sendNow;
        synchronized (this) {
            if (idle()) {
                return Uni.createFrom().voidItem();
            }
            drainWaiters.add(drained);
            sendNow = timer >= 0 && vertx.cancelTimer(timer);
            if (sendNow) {
                timer = -1;
            }
        }
        if (sendNow) {
            sendPending();
        }
        return Uni.createFrom().completionStage(drained);
    }

    private void sendPending() {
        String piece;
        int index;
        synchronized (this) {
            timer = -1;
            if (sending || pending.length() == 0) {
                releaseIfIdle();
                return;
            }
            piece = pending.toString();
            pending.setLength(0);
            index = nextIndex++;
            sending = true;
        }
        send.apply(piece, index).subscribe().with(ignored -> sent(), failure -> sent());
    }

    private void sent() {
        synchronized (this) {
            sending = false;
        }
        // Whatever arrived meanwhile goes out at once: it has waited long enough.
        sendPending();
    }

    private boolean idle() {
        return !sending && timer < 0 && pending.length() == 0;
    }

    private void releaseIfIdle() {
        if (idle() && !drainWaiters.isEmpty()) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(drainWaiters);
            drainWaiters.clear();
            waiting.forEach(waiter -> waiter.complete(null));
        }
    }
}
