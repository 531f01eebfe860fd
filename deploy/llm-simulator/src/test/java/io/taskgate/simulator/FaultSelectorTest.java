package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgate.simulator.FaultSelector.Fault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultSelectorTest {

    private static final SimulatorConfig CLEAN = SimulatorConfig.defaults();

    @Test
    void ratesOfZeroNeverFireAndRatesOfOneAlwaysDo() {
        FaultSelector faults = new FaultSelector(1);

        for (int i = 0; i < 1_000; i++) {
            assertThat(faults.select(CLEAN)).isEqualTo(Fault.NONE);
            assertThat(faults.select(CLEAN.merge("{\"hangRate\":1}"))).isEqualTo(Fault.HANG);
        }
    }

    @Test
    void checksFaultsInAFixedOrder() {
        FaultSelector faults = new FaultSelector(1);
        SimulatorConfig all = CLEAN.merge("{\"errorRate\":1,\"rateLimitRate\":1,\"hangRate\":1,\"badRequestRate\":1}");

        assertThat(faults.select(all)).isEqualTo(Fault.RATE_LIMIT);
        assertThat(faults.select(all.merge("{\"rateLimitRate\":0}"))).isEqualTo(Fault.SERVER_ERROR);
        assertThat(faults.select(all.merge("{\"rateLimitRate\":0,\"errorRate\":0}"))).isEqualTo(Fault.BAD_REQUEST);
    }

    @Test
    void aRateBetweenZeroAndOneFiresAboutThatOftenAndRepeatsWithTheSeed() {
        SimulatorConfig half = CLEAN.merge("{\"errorRate\":0.3}");

        List<Fault> first = draw(new FaultSelector(99), half, 2_000);
        List<Fault> again = draw(new FaultSelector(99), half, 2_000);

        assertThat(first).isEqualTo(again);
        long errors = first.stream().filter(Fault.SERVER_ERROR::equals).count();
        assertThat(errors).isBetween(450L, 750L);
    }

    private static List<Fault> draw(FaultSelector faults, SimulatorConfig config, int count) {
        List<Fault> drawn = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            drawn.add(faults.select(config));
        }
        return drawn;
    }
}
