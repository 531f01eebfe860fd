package io.taskgate.worker.loops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutageStateTest {

    private final Instant start = Instant.parse("2026-12-02T10:00:00Z");
    private final OutageState state = new OutageState();

    @Test
    void onlyTheFirstFailureStartsAnOutage() {
        assertThat(state.failed(start, "connection refused")).isTrue();
        for (int i = 1; i <= 40; i++) {
            assertThat(state.failed(start.plusMillis(250L * i), "connection refused")).isFalse();
        }
        assertThat(state.isFailing()).isTrue();
    }

    @Test
    void theFirstSuccessEndsTheOutageWithWhatItCost() {
        state.failed(start, "connection refused");
        state.failed(start.plusSeconds(4), "timeout");
        state.failed(start.plusSeconds(9), "connection refused");

        var outage = state.succeeded(start.plusSeconds(10));

        assertThat(outage).hasValueSatisfying(ended -> {
            assertThat(ended.failures()).isEqualTo(3);
            assertThat(ended.lasted()).isEqualTo(Duration.ofSeconds(10));
            assertThat(ended.firstFailure()).isEqualTo("connection refused");
        });
        assertThat(state.isFailing()).isFalse();
        assertThat(state.succeeded(start.plusSeconds(11))).isEmpty();
    }

    @Test
    void successesWithoutAnOutageReportNothing() {
        assertThat(state.succeeded(start)).isEmpty();
        assertThat(state.succeeded(start.plusSeconds(1))).isEmpty();
    }

    @Test
    void aSecondOutageIsCountedFromItsOwnStart() {
        state.failed(start, "first");
        state.succeeded(start.plusSeconds(1));

        assertThat(state.failed(start.plusSeconds(5), "second")).isTrue();
        assertThat(state.succeeded(start.plusSeconds(7))).hasValueSatisfying(ended -> {
            assertThat(ended.failures()).isEqualTo(1);
            assertThat(ended.lasted()).isEqualTo(Duration.ofSeconds(2));
            assertThat(ended.firstFailure()).isEqualTo("second");
        });
    }
}
