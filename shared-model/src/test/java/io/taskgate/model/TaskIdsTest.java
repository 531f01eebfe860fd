package io.taskgate.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void idsAreVersion7WithTheRfcVariant() {
        UUID id = TaskIds.newId();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void laterIdsSortAfterEarlierOnes() {
        UUID earlier = TaskIds.newId(1_700_000_000_000L);
        UUID later = TaskIds.newId(1_700_000_000_001L);
        assertThat(Long.compareUnsigned(earlier.getMostSignificantBits(), later.getMostSignificantBits())).isNegative();
    }

    @Test
    void timestampIsTheLeading48Bits() {
        long millis = 1_764_000_000_123L;
        assertThat(TaskIds.newId(millis).getMostSignificantBits() >>> 16).isEqualTo(millis);
    }
}
