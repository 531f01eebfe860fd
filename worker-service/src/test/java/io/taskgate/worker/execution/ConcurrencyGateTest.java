package io.taskgate.worker.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

    private final List<String> started = new ArrayList<>();

    @Test
    void workBeyondTheLimitWaitsUntilAPlaceIsFreed() {
        ConcurrencyGate gate = new ConcurrencyGate(2);
        gate.enter(() -> started.add("a"));
        gate.enter(() -> started.add("b"));
        gate.enter(() -> started.add("c"));
        assertEquals(List.of("a", "b"), started);
        assertEquals(2, gate.running());
        assertEquals(1, gate.waiting());

        gate.leave();
        assertEquals(List.of("a", "b", "c"), started, "the freed place goes to the waiting work");
        assertEquals(2, gate.running());
        assertEquals(0, gate.waiting());
    }

    @Test
    void waitingWorkStartsFirstComeFirstServed() {
        ConcurrencyGate gate = new ConcurrencyGate(1);
        gate.enter(() -> started.add("first"));
        gate.enter(() -> started.add("second"));
        gate.enter(() -> started.add("third"));
        gate.leave();
        gate.leave();
        assertEquals(List.of("first", "second", "third"), started);
    }

    @Test
    void leavingWithNobodyWaitingFreesThePlace() {
        ConcurrencyGate gate = new ConcurrencyGate(1);
        gate.enter(() -> started.add("a"));
        gate.leave();
        assertEquals(0, gate.running());
        gate.enter(() -> started.add("b"));
        assertEquals(List.of("a", "b"), started, "a free place is taken at once");
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ConcurrencyGate(0));
    }
}
