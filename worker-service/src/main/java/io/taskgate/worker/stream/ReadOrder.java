package io.taskgate.worker.stream;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides which read a consumer makes next, and learns from what each read returned.
 *
 * <ol>
 *   <li>At start, and after Redis lost the group, this consumer's own unacknowledged entries
 *       from an earlier run ({@code XREADGROUP} from id {@code 0}), paged through once by id.
 *       These come first: reclaiming before them would claim entries that the own-pending read
 *       then hands out a second time.</li>
 *   <li>Every {@code reclaimEvery}, entries abandoned by silent consumers ({@code XAUTOCLAIM}),
 *       paged with its cursor until the cursor comes back to {@code 0-0}.</li>
 *   <li>Otherwise new entries ({@code >}), blocking for a while on an empty stream.</li>
 * </ol>
 *
 * Pure and not thread-safe: the publisher makes one read at a time.
 */
final class ReadOrder {

    static final String START = "0-0";

    /** One read to make. */
    sealed interface Read {
        /** This consumer's own pending entries after the given id. */
        record OwnPending(String after) implements Read {
        }

        /** Entries idle for long enough, scanned from the given cursor. */
        record Reclaim(String cursor) implements Read {
        }

        /** Entries no consumer has seen yet. */
        record NewEntries() implements Read {
        }
    }

    private final Duration reclaimEvery;
    private String ownPendingAfter = "0";
    private boolean ownPendingDone;
    private String reclaimCursor = START;
    private Instant nextReclaim = Instant.EPOCH;

    ReadOrder(Duration reclaimEvery) {
        this.reclaimEvery = reclaimEvery;
    }

    Read next(Instant now) {
        if (!ownPendingDone) {
            return new Read.OwnPending(ownPendingAfter);
        }
        if (!now.isBefore(nextReclaim)) {
            return new Read.Reclaim(reclaimCursor);
        }
        return new Read.NewEntries();
    }

    /** An own-pending read returned entries up to {@code lastId}, or nothing when {@code null}. */
    void ownPendingRead(String lastId) {
        if (lastId == null) {
            ownPendingDone = true;
        } else {
            ownPendingAfter = lastId;
        }
    }

    /**
     * A reclaim scan came back with {@code nextCursor} ({@code null} or {@code 0-0} once the whole
     * pending list was scanned) and found {@code claimed} live entries.
     *
     * @return whether new entries should be read at once, because this scan claimed nothing
     */
    boolean reclaimed(String nextCursor, int claimed, Instant now) {
        reclaimCursor = nextCursor == null ? START : nextCursor;
        if (START.equals(reclaimCursor)) {
            nextReclaim = now.plus(reclaimEvery);
        }
        return claimed == 0;
    }

    /** Redis lost the stream or the group: start over with this consumer's own pending entries. */
    void groupLost() {
        ownPendingDone = false;
        ownPendingAfter = "0";
    }
}
