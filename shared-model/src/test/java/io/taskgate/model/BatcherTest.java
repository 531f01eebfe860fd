package io.taskgate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BatcherTest {

    /** A flush the test finishes by hand: each call is recorded with the future that answers it. */
    private static final class ManualFlush {
        final List<List<Integer>> batches = new ArrayList<>();
        final List<CompletableFuture<List<String>>> answers = new ArrayList<>();

        Uni<List<String>> flush(List<Integer> items) {
            batches.add(List.copyOf(items));
            CompletableFuture<List<String>> answer = new CompletableFuture<>();
            answers.add(answer);
            return Uni.createFrom().completionStage(answer);
        }

        void answer(int batch) {
            answers.get(batch).complete(batches.get(batch).stream().map(i -> "r" + i).toList());
        }
    }

    private static List<UniAssertSubscriber<String>> addAll(Batcher<Integer, String> batcher, int from, int to) {
        List<UniAssertSubscriber<String>> results = new ArrayList<>();
        for (int i = from; i < to; i++) {
            results.add(batcher.add(i).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        return results;
    }

    @Test
    void underLowLoadEachRequestLeavesAloneAndAtOnce() {
        ManualFlush flush = new ManualFlush();
        Batcher<Integer, String> batcher = new Batcher<>(64, 1, flush::flush);

        UniAssertSubscriber<String> first = batcher.add(1).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(flush.batches).containsExactly(List.of(1));
        flush.answer(0);
        first.assertItem("r1");

        UniAssertSubscriber<String> second = batcher.add(2).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(flush.batches).containsExactly(List.of(1), List.of(2));
        flush.answer(1);
        second.assertItem("r2");
    }

    @Test
    void requestsArrivingWhileABatchIsOutFormTheNextOneInOrder() {
        ManualFlush flush = new ManualFlush();
        Batcher<Integer, String> batcher = new Batcher<>(64, 1, flush::flush);

        List<UniAssertSubscriber<String>> results = addAll(batcher, 0, 5);
        assertThat(flush.batches).containsExactly(List.of(0));
        assertThat(batcher.waiting()).isEqualTo(4);

        flush.answer(0);
        assertThat(flush.batches).containsExactly(List.of(0), List.of(1, 2, 3, 4));
        results.get(0).assertItem("r0");
        results.get(1).assertNotTerminated();

        flush.answer(1);
        for (int i = 0; i < 5; i++) {
            results.get(i).assertItem("r" + i);
        }
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void aFullBatchTakesNoMoreThanItsSizeAndTheRestWaitsForTheNextSlot() {
        ManualFlush flush = new ManualFlush();
        Batcher<Integer, String> batcher = new Batcher<>(3, 2, flush::flush);

        addAll(batcher, 0, 10);
        // Two slots: the first two requests left alone, eight wait.
        assertThat(flush.batches).containsExactly(List.of(0), List.of(1));

        flush.answer(1);
        assertThat(flush.batches.get(2)).containsExactly(2, 3, 4);
        flush.answer(0);
        assertThat(flush.batches.get(3)).containsExactly(5, 6, 7);
        flush.answer(2);
        assertThat(flush.batches.get(4)).containsExactly(8, 9);
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void aFailedBatchFailsOnlyItsOwnRequestsAndTheNextBatchStillLeaves() {
        ManualFlush flush = new ManualFlush();
        Batcher<Integer, String> batcher = new Batcher<>(64, 1, flush::flush);

        List<UniAssertSubscriber<String>> results = addAll(batcher, 0, 4);
        flush.answer(0);
        flush.answers.get(1).completeExceptionally(new IllegalStateException("store down"));
        results.get(1).assertFailedWith(IllegalStateException.class, "store down");
        results.get(3).assertFailedWith(IllegalStateException.class, "store down");
        results.get(0).assertItem("r0");

        UniAssertSubscriber<String> later = batcher.add(9).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(flush.batches).last().isEqualTo(List.of(9));
        flush.answer(2);
        later.assertItem("r9");
    }

    @Test
    void aFlushThatThrowsOrMiscountsFailsItsBatchInsteadOfHangingIt() {
        Batcher<Integer, String> throwing = new Batcher<>(8, 1, items -> {
            throw new IllegalArgumentException("bad batch");
        });
        throwing.add(1).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(IllegalArgumentException.class, "bad batch");
        // The slot was given back: the next request is flushed (and fails) too.
        throwing.add(2).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(IllegalArgumentException.class, "bad batch");

        Batcher<Integer, String> miscounting = new Batcher<>(8, 1, items -> Uni.createFrom().item(List.of()));
        miscounting.add(1).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(IllegalStateException.class, "a batch of 1 got 0 results");
    }

    @Test
    void sizesBelowOneAreRefused() {
        assertThatThrownBy(() -> new Batcher<Integer, String>(0, 1, items -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
