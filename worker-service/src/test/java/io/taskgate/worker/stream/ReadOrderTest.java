package io.taskgate.worker.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadOrderTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private final ReadOrder order = new ReadOrder(Duration.ofSeconds(5));

    @Test
    void ownPendingEntriesComeFirstAndArePagedThroughByIdOnce() {
        assertEquals(new ReadOrder.Read.OwnPending("0"), order.next(T0));
        order.ownPendingRead("5-0");
        assertEquals(new ReadOrder.Read.OwnPending("5-0"), order.next(T0));
        order.ownPendingRead(null);
        assertFalse(order.next(T0) instanceof ReadOrder.Read.OwnPending);
    }

    @Test
    void reclaimingStartsOnlyAfterTheOwnPendingEntries() {
        assertTrue(order.next(T0.plusSeconds(60)) instanceof ReadOrder.Read.OwnPending);
        order.ownPendingRead(null);
        assertEquals(new ReadOrder.Read.Reclaim(ReadOrder.START), order.next(T0));
    }

    @Test
    void aReclaimScanFollowsItsCursorThenWaitsTheInterval() {
        order.ownPendingRead(null);
        order.next(T0);
        assertFalse(order.reclaimed("7-0", 3, T0), "claimed entries are delivered before new ones are read");
        assertEquals(new ReadOrder.Read.Reclaim("7-0"), order.next(T0));
        assertTrue(order.reclaimed("0-0", 0, T0), "a scan that claimed nothing reads new entries at once");
        assertEquals(new ReadOrder.Read.NewEntries(), order.next(T0.plusSeconds(4)));
        assertEquals(new ReadOrder.Read.Reclaim(ReadOrder.START), order.next(T0.plusSeconds(5)));
    }

    @Test
    void aScanWithoutCursorCountsAsComplete() {
        order.ownPendingRead(null);
        order.reclaimed(null, 0, T0);
        assertEquals(new ReadOrder.Read.NewEntries(), order.next(T0.plusSeconds(1)));
    }

    @Test
    void aLostGroupStartsOverWithTheOwnPendingEntries() {
        order.ownPendingRead("3-0");
        order.ownPendingRead(null);
        order.reclaimed("0-0", 0, T0);
        order.groupLost();
        assertEquals(new ReadOrder.Read.OwnPending("0"), order.next(T0.plusSeconds(1)));
    }
}
