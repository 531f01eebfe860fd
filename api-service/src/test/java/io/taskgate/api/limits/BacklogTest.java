package io.taskgate.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BacklogTest {

    private static final long T0 = 1_800_000_000_000L;
    private final Backlog backlog = new Backlog(100, Duration.ofMinutes(1), Duration.ofSeconds(60));

    @Test
    void nothingIsRefusedBeforeTheFirstSampleOrWhileRedisCannotBeMeasured() {
        assertThat(backlog.refusal(T0)).isEmpty();
        backlog.sample(T0, 500, T0 - 120_000);
        assertThat(backlog.refusal(T0)).isPresent();
        backlog.unknown();
        assertThat(backlog.refusal(T0)).isEmpty();
    }

    @Test
    void underBothCeilingsEverythingIsAdmitted() {
        backlog.sample(T0, 99, T0 - 59_000);
        assertThat(backlog.refusal(T0)).isEmpty();
    }

    @Test
    void submitsAcceptedSinceTheSampleCountTowardsTheLength() {
        backlog.sample(T0, 98, T0 - 1_000);
        backlog.accepted();
        assertThat(backlog.refusal(T0)).isEmpty();
        backlog.accepted();
        assertThat(backlog.refusal(T0)).as("98 sampled + 2 accepted here").isPresent();
    }

    @Test
    void withNoDrainTheLongestWaitIsGiven() {
        backlog.sample(T0, 200, T0 - 10_000);
        backlog.sample(T0 + 1_000, 200, T0 - 10_000);
        assertThat(backlog.drainSpeed()).contains(0.0);
        assertThat(backlog.refusal(T0 + 1_000)).contains(Duration.ofSeconds(60));
    }

    @Test
    void theWaitIsTheExcessWorkedOffAtTheMeasuredSpeed() {
        // The oldest waiting entry moves 4 s of submissions forward in 2 s: speed 2.
        backlog.sample(T0, 200, T0 - 20_000);
        backlog.sample(T0 + 2_000, 200, T0 - 16_000);
        assertThat(backlog.drainSpeed()).contains(2.0);
        // 101 of 200 entries past the ceiling, spanning 18 s of submissions: about 9.1 s of them, 4.6 s at speed 2.
        Duration wait = backlog.refusal(T0 + 2_000).orElseThrow();
        assertThat(wait.toMillis()).isBetween(4_500L, 4_600L);
    }

    @Test
    void theAgeCeilingRefusesAShortButOldBacklog() {
        backlog.sample(T0, 3, T0 - 90_000);
        backlog.sample(T0 + 1_000, 3, T0 - 85_000);
        // 86 s waited, 26 s past the ceiling, worked off at speed 5.
        assertThat(backlog.refusal(T0 + 1_000)).contains(Duration.ofMillis(5_200));
    }

    @Test
    void theWaitIsAtLeastASecondAndAtMostTheConfiguredLongest() {
        backlog.sample(T0, 100, T0 - 1_000);
        backlog.sample(T0 + 1_000, 100, T0 + 500);
        assertThat(backlog.refusal(T0 + 1_000)).contains(Duration.ofSeconds(1));
    }
}
