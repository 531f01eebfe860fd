package io.taskgate.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.execution.AttemptPhases.Phase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AttemptPhasesTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AttemptPhases phases = new AttemptPhases(meters);

    @Test
    void timesFromSubscriptionNotFromAssembly() throws Exception {
        AtomicInteger started = new AtomicInteger();
        Uni<String> timed = phases.timed(Phase.HANDLER, "llm.chat", () -> {
            started.incrementAndGet();
            return Uni.createFrom().item("done").onItem().delayIt().by(Duration.ofMillis(50));
        });
        Thread.sleep(100); // assembled but not subscribed: neither run nor timed

        assertThat(started).hasValue(0);
        assertThat(timed.await().atMost(Duration.ofSeconds(5))).isEqualTo("done");

        Timer timer = phases.timer(Phase.HANDLER, "llm.chat");
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isBetween(50.0, 100.0 + 5_000);
    }

    @Test
    void aFailedPhaseIsTimedToo() {
        Uni<Void> failing = phases.timed(Phase.RECORD, "echo",
                () -> Uni.createFrom().failure(new IllegalStateException("database gone")));

        assertThatThrownBy(() -> failing.await().indefinitely()).hasMessage("database gone");
        assertThat(phases.timer(Phase.RECORD, "echo").count()).isEqualTo(1);
    }

    @Test
    void eachPhaseAndTypeHasItsOwnTimer() {
        phases.timed(Phase.CLAIM, "echo", () -> Uni.createFrom().voidItem()).await().indefinitely();
        phases.timed(Phase.CLAIM, "llm.chat", () -> Uni.createFrom().voidItem()).await().indefinitely();
        phases.timed(Phase.FINISH, "echo", () -> Uni.createFrom().voidItem()).await().indefinitely();

        assertThat(meters.find(AttemptPhases.METER).timers()).hasSize(3);
        assertThat(meters.get(AttemptPhases.METER).tags("phase", "claim", "type", "echo").timer().count()).isEqualTo(1);
        assertThat(phases.timer(Phase.ANNOUNCE, "echo").count()).isZero();
    }
}
