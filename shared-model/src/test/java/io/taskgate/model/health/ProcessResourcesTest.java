package io.taskgate.model.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessResourcesTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void readsThisProcess() {
        ProcessResources now = ProcessResources.read();

        assertThat(now.heapUsedBytes()).isPositive().isLessThanOrEqualTo(now.heapCommittedBytes());
        assertThat(now.heapMaxBytes()).isGreaterThanOrEqualTo(now.heapCommittedBytes());
        assertThat(now.threads()).isPositive();
        assertThat(now.availableProcessors()).isPositive();
        assertThat(now.startedAt()).isNotBlank();
        // This build runs on Linux: the resident set and the descriptors are known there.
        assertThat(now.rssBytes()).isGreaterThan(now.heapUsedBytes() / 2);
        assertThat(now.openFileDescriptors()).isPositive().isLessThan(now.maxFileDescriptors());
    }

    @Test
    void warnsOfAHeapNearItsMaximumAndOfDescriptorsNearTheLimit() {
        assertThat(ProcessResources.warnings(500 * MIB, 512 * MIB, 100L, 1000L))
                .containsExactly("heap 98% of its maximum");
        assertThat(ProcessResources.warnings(100 * MIB, 512 * MIB, 900L, 1000L))
                .containsExactly("900 of 1000 file descriptors open");
        assertThat(ProcessResources.warnings(100 * MIB, 512 * MIB, 100L, 1000L)).isEmpty();
        assertThat(ProcessResources.warnings(100 * MIB, 512 * MIB, null, null)).isEmpty();
    }
}
