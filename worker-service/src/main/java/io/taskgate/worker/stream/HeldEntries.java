package io.taskgate.worker.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The entries one consumer holds: read from the stream (so Redis counts them as pending for this
 * consumer) and not yet settled. Some wait here, read ahead, until the subscriber asks for them;
 * the rest are delivered and being processed.
 *
 * <p>Reading ahead is what lets one XREADGROUP fetch many entries although the messaging layer
 * between the consumer and this connector asks for one entry at a time. The capacity keeps the
 * promise that backpressure made: a consumer never holds more entries than it may run at once,
 * so it cannot sit on work that an idle consumer could take.
 *
 * <p>Thread-safe: reads complete on a Redis connection's thread, settlements on any thread.
 */
final class HeldEntries<E> {

    private final int capacity;
    private final Set<String> held = new HashSet<>();
    private final ArrayDeque<Waiting<E>> waiting = new ArrayDeque<>();

    private record Waiting<E>(String id, E entry) {
    }

    HeldEntries(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** How many more entries one read may fetch without going over the capacity. */
    synchronized int room() {
        return capacity - held.size();
    }

    /**
     * Takes the entries a read returned, in order. An entry already held (Redis handed it back
     * because this consumer claimed it again) is not taken twice: its running delivery goes on.
     *
     * @return how many were taken
     */
    synchronized int take(List<String> ids, List<E> entries) {
        int taken = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (held.add(ids.get(i))) {
                waiting.addLast(new Waiting<>(ids.get(i), entries.get(i)));
                taken++;
            }
        }
        return taken;
    }

    /** The oldest entry read ahead, now handed to the subscriber (it stays held until settled). */
    synchronized Optional<E> next() {
        Waiting<E> first = waiting.pollFirst();
        return first == null ? Optional.empty() : Optional.of(first.entry());
    }

    synchronized boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /** The entry was acknowledged, dead-lettered or left pending for another delivery. */
    synchronized void settle(String id) {
        held.remove(id);
    }

    /**
     * Lets go of the entries read ahead and never delivered (reading has stopped). They stay
     * pending in Redis without a heartbeat, so another consumer reclaims them once idle.
     *
     * @return how many were let go
     */
    synchronized int releaseWaiting() {
        int released = waiting.size();
        for (Waiting<E> entry : waiting) {
            held.remove(entry.id());
        }
        waiting.clear();
        return released;
    }

    synchronized boolean holds(String id) {
        return held.contains(id);
    }

    /** Every entry held, delivered or waiting: the ones whose idle time the heartbeat resets. */
    synchronized List<String> ids() {
        return new ArrayList<>(held);
    }

    synchronized int size() {
        return held.size();
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
