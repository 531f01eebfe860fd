package io.taskgate.model.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How full one of this process's connection pools is, read from the gauges Vert.x reports for
 * its pools ({@code sql.pool.*} for PostgreSQL, {@code redis.pool.*} for Redis, tagged with the
 * pool's type). A pool that waits is saturated whatever its use says.
 *
 * @param idle places in the pool not in use (connections open or not yet opened)
 * @param waiting requests queued for a connection
 */
public record PoolUsage(String name, int maxSize, int inUse, int idle, int waiting, double utilisationPercent,
        boolean warning) {

    /** The pools worth reporting, under the name of what they connect to. */
    private static final Map<String, String> POOL_TYPES = Map.of("sql", "postgresql", "redis", "redis");

    /** Every known pool that has reported; {@code warnAbovePercent} marks a pool as worth a look. */
    public static List<PoolUsage> read(MeterRegistry meters, double warnAbovePercent) {
        List<PoolUsage> pools = new ArrayList<>();
        for (String type : List.of("sql", "redis")) {
            List<Gauge> active = meters.find(type + ".pool.active").tag("pool.type", type).gauges().stream().toList();
            if (active.isEmpty()) {
                continue;
            }
            int inUse = sum(active);
            int idle = sum(meters.find(type + ".pool.idle").tag("pool.type", type).gauges().stream().toList());
            int waiting = sum(meters.find(type + ".pool.queue.size").tag("pool.type", type).gauges().stream().toList());
            pools.add(of(POOL_TYPES.get(type), inUse, idle, waiting, warnAbovePercent));
        }
        return pools;
    }

    static PoolUsage of(String name, int inUse, int idle, int waiting, double warnAbovePercent) {
        int maxSize = inUse + idle;
        double utilisation = maxSize == 0 ? 0 : Math.round(1000.0 * inUse / maxSize) / 10.0;
        return new PoolUsage(name, maxSize, inUse, idle, waiting, utilisation,
                utilisation > warnAbovePercent || waiting > 0);
    }

    private static int sum(List<Gauge> gauges) {
        double total = 0;
        for (Gauge gauge : gauges) {
            double value = gauge.value();
            if (!Double.isNaN(value)) {
                total += value;
            }
        }
        return (int) Math.round(total);
    }
}
