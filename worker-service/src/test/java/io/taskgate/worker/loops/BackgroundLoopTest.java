package io.taskgate.worker.loops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BackgroundLoopTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BackgroundLoop loop = new BackgroundLoops(meters).loop("retry-mover", BackgroundLoopTest.class);

    @Test
    void everyFailedRoundIsCountedUnderTheLoopsName() {
        for (int i = 0; i < 5; i++) {
            loop.failed(new IOException("Connection refused"));
        }

        assertThat(meters.get(BackgroundLoop.FAILURES_METRIC).tag("loop", "retry-mover").counter().count()).isEqualTo(5);
        assertThat(loop.isFailing()).isTrue();
    }

    @Test
    void watchReportsTheRoundAndPassesItsOutcomeOn() {
        Uni<Integer> failing = loop.watch(Uni.createFrom().failure(new IOException("Connection refused")));
        assertThatThrownBy(() -> failing.await().indefinitely()).hasRootCauseInstanceOf(IOException.class);
        assertThat(loop.isFailing()).isTrue();

        assertThat(loop.watch(Uni.createFrom().item(3)).await().indefinitely()).isEqualTo(3);
        assertThat(loop.isFailing()).isFalse();
        assertThat(meters.get(BackgroundLoop.FAILURES_METRIC).tag("loop", "retry-mover").counter().count()).isEqualTo(1);
    }
}
