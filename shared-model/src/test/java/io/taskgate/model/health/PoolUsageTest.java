package io.taskgate.model.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolUsageTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void readsEachPoolFromTheGaugesVertxReportsForIt() {
        pool("sql", "__vertx.DEFAULT", 17, 3, 0);
        pool("redis", "<default>", 2, 30, 0);
        // Worker thread pools report the same way and are not connection pools.
        pool("worker", "vert.x-worker-thread", 1, 199, 0);

        List<PoolUsage> pools = PoolUsage.read(meters, 80);

        assertThat(pools).containsExactly(
                new PoolUsage("postgresql", 20, 17, 3, 0, 85.0, true),
                new PoolUsage("redis", 32, 2, 30, 0, 6.3, false));
    }

    @Test
    void aPoolWithRequestsWaitingIsWorthAWarningWhateverItsUse() {
        assertThat(PoolUsage.of("postgresql", 5, 15, 2, 80).warning()).isTrue();
        assertThat(PoolUsage.of("postgresql", 16, 4, 0, 80).warning()).isFalse();
        assertThat(PoolUsage.of("postgresql", 17, 3, 0, 80).warning()).isTrue();
    }

    @Test
    void aProcessWithoutPoolsReportsNone() {
        assertThat(PoolUsage.read(meters, 80)).isEmpty();
    }

    private void pool(String type, String name, double active, double idle, double queued) {
        Gauge.builder(type + ".pool.active", () -> active).tags("pool.type", type, "pool.name", name).register(meters);
        Gauge.builder(type + ".pool.idle", () -> idle).tags("pool.type", type, "pool.name", name).register(meters);
        Gauge.builder(type + ".pool.queue.size", () -> queued).tags("pool.type", type, "pool.name", name).register(meters);
    }
}
