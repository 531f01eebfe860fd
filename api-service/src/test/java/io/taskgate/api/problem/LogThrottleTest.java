package io.taskgate.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private final Instant start = Instant.parse("2026-12-02T10:00:00Z");
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10));

    @Test
    void theFirstEventOfAQuietSpellIsLoggedAtOnce() {
        assertThat(throttle.admit(start)).hasValue(0);
    }

    @Test
    void eventsWithinTheWindowAreCountedAndReportedWithTheNextLine() {
        throttle.admit(start);
        for (int i = 1; i <= 125; i++) {
            assertThat(throttle.admit(start.plusMillis(8L * i))).isEmpty();
        }

        assertThat(throttle.admit(start.plusSeconds(10))).hasValue(125);
        assertThat(throttle.admit(start.plusSeconds(11))).isEmpty();
    }

    @Test
    void afterAQuietSpellNothingIsCarriedOver() {
        throttle.admit(start);
        throttle.admit(start.plusSeconds(1));
        assertThat(throttle.admit(start.plusSeconds(30))).hasValue(1);
        assertThat(throttle.admit(start.plusSeconds(60))).hasValue(0);
    }
}
