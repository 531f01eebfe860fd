package io.taskgate.model.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlidingWindowCountsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    // 60 s in buckets of one second.
    private final SlidingWindowCounts<String> counts = new SlidingWindowCounts<>(Duration.ofSeconds(60), now::get);

    @Test
    void countsEachKeyWithinTheWindow() {
        counts.add("2xx");
        counts.add("2xx");
        counts.add("5xx");

        assertThat(counts.totals()).containsEntry("2xx", 2L).containsEntry("5xx", 1L).hasSize(2);
    }

    @Test
    void whatHappenedLongerAgoThanTheWindowSlidesOut() {
        counts.add("failed");
        now.addAndGet(30_000);
        counts.add("failed");
        counts.add("succeeded");

        now.addAndGet(29_000);
        assertThat(counts.totals()).containsEntry("failed", 2L);

        now.addAndGet(2_000);
        assertThat(counts.totals()).containsEntry("failed", 1L).containsEntry("succeeded", 1L);

        now.addAndGet(30_000);
        assertThat(counts.totals()).isEmpty();
    }

    @Test
    void aBucketReusedAWindowLaterStartsFromZero() {
        counts.add("k");
        counts.add("k");
        now.addAndGet(60_000); // the same bucket, one turn later

        counts.add("k");

        assertThat(counts.totals()).containsEntry("k", 1L);
    }

    @Test
    void concurrentAddsAreAllCounted() throws Exception {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counts.add("k");
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(counts.totals()).containsEntry("k", 40_000L);
    }

    @Test
    void aWindowTooShortForItsBucketsIsRefused() {
        assertThatThrownBy(() -> new SlidingWindowCounts<>(Duration.ofMillis(10), now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
