package io.taskgate.model;

/**
 * The Redis keys and channels both services use. They are part of the contract: changing one
 * here changes it for both sides at once.
 *
 * <p>Redis Cluster: a script or transaction may only touch keys of one hash slot. Keys used
 * together therefore share a hash tag (the part in braces, which is all Redis hashes when it is
 * there): the retry set is tagged with the task stream's whole name, so it lands in the slot
 * the stream's own name hashes to, and the stream keeps the name operators and autoscalers know.
 */
public final class RedisNames {

    /** The stream every accepted task is appended to. */
    public static final String TASK_STREAM = "taskgate:tasks";

    /** The consumer group all workers read {@link #TASK_STREAM} through. */
    public static final String WORKER_GROUP = "workers";

    /** Pub/sub channel on which workers publish {@link TaskEvent}s; every api instance listens. */
    public static final String EVENT_CHANNEL = "taskgate:events";

    /** Pub/sub channel carrying the ids of running tasks whose cancellation was asked for. */
    public static final String CANCEL_CHANNEL = "taskgate:cancel";

    /**
     * Sorted set of retries waiting for their time, scored by due time in epoch milliseconds.
     * One script moves due members from here onto {@link #TASK_STREAM}, so the two share a slot.
     */
    public static final String RETRY_SET = "{" + TASK_STREAM + "}:retries";

    /** Stream of tasks given up on (delivery limit or retries exhausted), for inspection and replay. */
    public static final String DEAD_LETTER_STREAM = "taskgate:dead-letter";

    /**
     * Prefix of the per-attempt output buffers ({@code taskgate:output:<taskId>:<attempt>}): a
     * Redis list of the partial output so far, so that a subscriber arriving mid-stream can be
     * sent everything before the live chunks. Buffers expire; once the task is finished its
     * result in PostgreSQL holds the whole output.
     */
    public static final String OUTPUT_BUFFER_PREFIX = "taskgate:output:";

    public static String outputBuffer(java.util.UUID taskId, int attempt) {
        return OUTPUT_BUFFER_PREFIX + taskId + ":" + attempt;
    }

    /** Pub/sub channel for fleet-level events (circuit breaker transitions) that dashboards follow. */
    public static final String SYSTEM_CHANNEL = "taskgate:system";

    /**
     * Hash of worker → its latest breaker report (JSON with a {@code reportedAt}). One key rather
     * than one per worker, so readers need no keyspace scan, which a cluster could not answer
     * from one node; reports older than {@link #BREAKER_REPORT_LIFETIME} are stale and removed.
     */
    public static final String BREAKER_REPORTS = "taskgate:breakers";

    /** How long a breaker report stands for its worker; workers write theirs three times as often. */
    public static final java.time.Duration BREAKER_REPORT_LIFETIME = java.time.Duration.ofSeconds(15);

    /**
     * Hash of worker → its latest {@link io.taskgate.model.health.WorkerReport} (JSON): who it is,
     * what it runs and how loaded it is. One key for the whole fleet, like the breaker reports.
     */
    public static final String WORKER_REPORTS = "taskgate:workers";

    /** Set of task types some worker has declared a handler for. */
    public static final String HANDLER_TYPES = "taskgate:handler-types";

    /**
     * Hash of task type → the JSON Schema of its input, as the handler's worker declares it; the
     * api holds submissions to it.
     */
    public static final String HANDLER_SCHEMAS = "taskgate:handler-schemas";

    private RedisNames() {
    }
}
