package io.taskgate.worker.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeldEntriesTest {

    @Test
    void roomIsWhatTheCapacityLeavesAfterEveryEntryHeldDeliveredOrNot() {
        HeldEntries<String> held = new HeldEntries<>(5);
        held.take(List.of("1-0", "2-0", "3-0"), List.of("a", "b", "c"));
        assertEquals(2, held.room());
        held.next();
        assertEquals(2, held.room(), "a delivered entry is held until it is settled");
        held.settle("1-0");
        assertEquals(3, held.room());
    }

    @Test
    void entriesAreHandedOutInTheOrderTheyWereRead() {
        HeldEntries<String> held = new HeldEntries<>(10);
        held.take(List.of("1-0", "2-0"), List.of("a", "b"));
        held.take(List.of("3-0"), List.of("c"));
        assertEquals(Optional.of("a"), held.next());
        assertEquals(Optional.of("b"), held.next());
        assertEquals(Optional.of("c"), held.next());
        assertEquals(Optional.empty(), held.next());
        assertFalse(held.hasWaiting());
    }

    @Test
    void anEntryAlreadyHeldIsNotTakenASecondTime() {
        HeldEntries<String> held = new HeldEntries<>(10);
        held.take(List.of("1-0"), List.of("first"));
        held.next();
        int taken = held.take(List.of("1-0", "2-0"), List.of("again", "b"));
        assertEquals(1, taken);
        assertEquals(Optional.of("b"), held.next());
        assertEquals(Optional.empty(), held.next());
    }

    @Test
    void releasingTheReadAheadKeepsTheDeliveredEntriesHeld() {
        HeldEntries<String> held = new HeldEntries<>(10);
        held.take(List.of("1-0", "2-0", "3-0"), List.of("a", "b", "c"));
        held.next();
        assertEquals(2, held.releaseWaiting());
        assertEquals(List.of("1-0"), held.ids(), "the heartbeat keeps only the delivered entry alive");
        assertTrue(held.holds("1-0"));
        assertFalse(held.holds("2-0"));
        assertEquals(Optional.empty(), held.next());
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HeldEntries<String>(0));
    }
}
