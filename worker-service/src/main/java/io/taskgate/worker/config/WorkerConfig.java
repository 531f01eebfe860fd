package io.taskgate.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the worker-service and its default, in one place. */
@ConfigMapping(prefix = "taskgate.worker")
public interface WorkerConfig {

    /**
     * Most tasks this worker runs at once. The reader asks the stream for no more than the free
     * slots, so a busy worker leaves entries for others instead of hoarding them.
     */
    @WithDefault("16")
    int concurrency();

    /** This worker's name in the consumer group; defaults to the host name and process id. */
    Optional<String> consumerName();

    /** How long one read waits on an empty stream before asking again. */
    @WithDefault("2s")
    Duration readBlock();

    /** Pause after a failed read (Redis down), so a dead Redis is not hammered in a loop. */
    @WithDefault("1s")
    Duration readRetryDelay();

    /** Longest a single attempt may run before it fails with TIMEOUT. */
    @WithDefault("10m")
    Duration taskTimeout();
}
