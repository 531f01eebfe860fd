package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ResponseTimesTest {

    private static final long MS = 1_000_000;

    @Test
    void percentilesAreTheSmallestValueCoveringTheirShare() {
        ResponseTimes times = new ResponseTimes();
        for (int ms = 1; ms <= 100; ms++) {
            times.record(ms * MS + 999_999); // sub-millisecond parts are cut off
        }

        ObjectNode json = times.toJson();

        assertThat(json.path("count").asLong()).isEqualTo(100);
        assertThat(json.path("mean").asDouble()).isEqualTo(50.5);
        assertThat(json.path("p50").asInt()).isEqualTo(50);
        assertThat(json.path("p95").asInt()).isEqualTo(95);
        assertThat(json.path("p99").asInt()).isEqualTo(99);
        assertThat(json.path("max").asInt()).isEqualTo(100);
    }

    @Test
    void aSingleSlowRequestIsTheMaximumButNotTheMedian() {
        ResponseTimes times = new ResponseTimes();
        times.record(500 * MS);
        times.record(500 * MS);
        times.record(1_200 * MS);

        ObjectNode json = times.toJson();

        assertThat(json.path("p50").asInt()).isEqualTo(500);
        assertThat(json.path("max").asInt()).isEqualTo(1_200);
    }

    @Test
    void clampsToTheRangeItCovers() {
        ResponseTimes times = new ResponseTimes();
        times.record(-5);
        times.record(3_600_000 * MS);

        ObjectNode json = times.toJson();

        assertThat(json.path("p50").asInt()).isZero();
        assertThat(json.path("max").asInt()).isEqualTo(ResponseTimes.MAX_MS);
    }

    @Test
    void emptyAfterReset() {
        ResponseTimes times = new ResponseTimes();
        times.record(7 * MS);

        times.reset();
        ObjectNode json = times.toJson();

        assertThat(json.path("count").asLong()).isZero();
        assertThat(json.has("p50")).isFalse();
    }
}
