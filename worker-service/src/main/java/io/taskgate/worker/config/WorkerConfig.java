package io.taskgate.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of the worker-service and its default, in one place. */
@ConfigMapping(prefix = "taskgate.worker")
public interface WorkerConfig {

    /**
     * Most tasks this worker runs at once. The dispatcher asks the stream for no more than its
     * free slots, so a busy worker leaves entries for others instead of hoarding them. Handlers
     * wait on I/O without holding a thread, so a task in flight costs a little memory and no
     * thread: hundreds fit. Each task holds a pooled database connection only for the one
     * statement of each of its changes.
     */
    @WithDefault("256")
    @Min(1)
    int concurrency();

    /**
     * How many times a task may be started in all before it is given up with DELIVERY_LIMIT and
     * dead-lettered. Crashes count (a task that kills its worker every time ends here); the
     * effective limit is never below a type's max-attempts.
     */
    @WithDefault("10")
    @Min(1)
    int deliveryLimit();

    /** How long a stopping worker lets running tasks finish before it leaves them to be reclaimed. */
    @WithDefault("25s")
    Duration shutdownGrace();

    /** How often running tasks' heartbeat is written to PostgreSQL. */
    @WithDefault("5s")
    Duration heartbeat();

    /**
     * How often the task types and input schemas this worker runs are written to Redis again
     * (they are written at start too), so an emptied Redis learns them back within this long.
     */
    @WithDefault("30s")
    Duration announceEvery();

    /**
     * How often this worker writes its report (identity, load, resources, pools) for
     * {@code /api/v1/health/workers}. A report three times this old marks the worker gone.
     */
    @WithDefault("5s")
    Duration reportEvery();

    /** The window over which the report counts how attempts ended, for the fleet's error rate. */
    @WithDefault("5m")
    Duration outcomeWindow();

    /** The retry and timeout policy of task types that have none of their own. */
    Policy defaultPolicy();

    /** Per-type overrides: {@code taskgate.worker.policies."llm.chat".max-attempts=5}. */
    Map<String, PolicyOverride> policies();

    Retries retries();

    Writes writes();

    Sweeper sweeper();

    Retention retention();

    Flaky flaky();

    interface Flaky {
        /**
         * Whether this worker runs the {@code flaky} fault injector. Off in a packaged worker, so
         * that nobody's production can be made to fail on request; the local run and the tests
         * turn it on.
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface Policy {
        /** Attempts in all, the first included; 1 means never retry. */
        @WithDefault("3")
        @Min(1)
        int maxAttempts();

        /** Delay before the first retry. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** Each further retry waits this many times longer than the one before. */
        @WithDefault("2.0")
        @DecimalMin("1.0")
        double multiplier();

        /** No retry waits longer than this. */
        @WithDefault("5m")
        Duration maxBackoff();

        /**
         * Fraction of each delay taken off at random (0 to 1), so that tasks that failed together
         * do not all come back at the same instant.
         */
        @WithDefault("0.2")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double jitter();

        /** Longest a single attempt may run before it fails with TIMEOUT. */
        @WithDefault("10m")
        Duration timeout();
    }

    interface PolicyOverride {
        Optional<Integer> maxAttempts();

        Optional<Duration> initialBackoff();

        Optional<Double> multiplier();

        Optional<Duration> maxBackoff();

        Optional<Double> jitter();

        Optional<Duration> timeout();

        /**
         * Most tasks of this type running at once on this worker; unset, only the worker's
         * concurrency bounds them. For handlers that use CPU rather than wait on I/O.
         */
        Optional<Integer> maxConcurrency();
    }

    /**
     * State changes of concurrent tasks: the same statement for many tasks leaves as one
     * pipelined batch, committed once (one WAL flush), while earlier batches are out.
     */
    interface Writes {

        /** Most changes in one batch; 1 sends each change alone. */
        @WithDefault("64")
        @Min(1)
        int batchSize();

        /** Batches of one statement out at once; each holds one pooled connection. */
        @WithDefault("2")
        @Min(1)
        int batchesInFlight();
    }

    interface Retries {
        /** How often due retries are moved from the waiting set back onto the stream. */
        @WithDefault("250ms")
        Duration pollEvery();

        /** Most retries moved per poll. */
        @WithDefault("500")
        @Min(1)
        int batch();
    }

    interface Sweeper {
        /**
         * A queued task whose entry has been out of sight this long (far beyond any normal queue
         * wait) is put on the stream again; so is a running task whose heartbeat stopped this long
         * ago. Duplicates this may create are harmless: only one delivery can hold a task.
         */
        @WithDefault("2m")
        Duration requeueAfter();

        @WithDefault("30s")
        Duration every();

        @WithDefault("500")
        @Min(1)
        int batch();

        /** How often the task stream is trimmed below its oldest unacknowledged entry. */
        @WithDefault("10s")
        Duration trimEvery();
    }

    interface Retention {
        /** Finished tasks are deleted this long after they finished. */
        @WithDefault("7d")
        Duration finishedTasks();

        @WithDefault("1m")
        Duration every();

        /** Rows deleted per statement, so a purge never holds long locks. */
        @WithDefault("1000")
        @Min(1)
        int batch();
    }
}
