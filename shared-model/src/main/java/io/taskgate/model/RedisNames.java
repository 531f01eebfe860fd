package io.taskgate.model;

/**
 * The Redis keys and channels both services use. They are part of the contract: changing one
 * here changes it for both sides at once.
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

    /** Sorted set of retries waiting for their time, scored by due time in epoch milliseconds. */
    public static final String RETRY_SET = "taskgate:retries";

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

    /** Prefix of each worker's breaker report ({@code taskgate:breakers:<worker>}), a JSON value that expires. */
    public static final String BREAKER_REPORT_PREFIX = "taskgate:breakers:";

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
