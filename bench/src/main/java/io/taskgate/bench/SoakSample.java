package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.RedisCommands;
import io.taskgate.local.ServiceProcess;
import io.taskgate.model.RedisNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of everything that must stay flat under a steady load: both services' memory,
 * Redis's memory and the lengths of its streams and sets, the tasks table, the consumer group's
 * lag and pending entries, and what was completed since the previous reading.
 */
record SoakSample(
        long second, long submittedPerSecond, long completedPerSecond, long notSucceeded, double endToEndP99Ms,
        long apiHeap, long apiLive, long apiRss, long workerHeap, long workerLive, long workerRss,
        long redisMemory, long streamLength, long groupLag, long groupPending, long retriesWaiting, long deadLetters,
        long taskRows, long tableBytes) {

    static final String HEADER = "| min | submitted/s | completed/s | not succeeded | e2e p99 | api heap / live / RSS"
            + " | worker heap / live / RSS | Redis memory | stream length | lag | pending | retries | dead letters"
            + " | task rows | table size |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    static final String CSV_HEADER = "second,submitted_per_s,completed_per_s,not_succeeded,e2e_p99_ms,api_heap,api_live,api_rss,"
            + "worker_heap,worker_live,worker_rss,redis_memory,stream_length,group_lag,group_pending,retries,dead_letters,"
            + "task_rows,table_bytes";

    /** Reads everything; {@code since} and {@code until} bound the completions counted. */
    static SoakSample take(long second, long submittedPerSecond, Instant since, Instant until,
            LocalStack stack, ServiceProcess api, ServiceProcess worker) throws Exception {
        long completed;
        long notSucceeded;
        double p99;
        long rows;
        long bytes;
        try (Connection db = stack.postgres().connect()) {
            try (PreparedStatement window = db.prepareStatement("SELECT count(*), count(*) FILTER (WHERE status <> 'SUCCEEDED'),"
                    + " coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)), 0)"
                    + " FROM tasks WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND finished_at >= ? AND finished_at < ?")) {
                window.setObject(1, since.atOffset(ZoneOffset.UTC));
                window.setObject(2, until.atOffset(ZoneOffset.UTC));
                try (ResultSet row = window.executeQuery()) {
                    row.next();
                    completed = row.getLong(1);
                    notSucceeded = row.getLong(2);
                    p99 = row.getDouble(3) * 1000;
                }
            }
            try (ResultSet row = db.createStatement().executeQuery(
                    "SELECT count(*), pg_total_relation_size('tasks') FROM tasks")) {
                row.next();
                rows = row.getLong(1);
                bytes = row.getLong(2);
            }
        }
        long millis = Math.max(1, Duration.between(since, until).toMillis());
        RedisCommands redis = new RedisCommands(stack.redis().port());
        long[] group = group(redis);
        return new SoakSample(second, submittedPerSecond, completed * 1000 / millis, notSucceeded, p99,
                ProcessMemory.heapUsedBytes(api), ProcessMemory.liveDataBytes(api), ProcessMemory.rssBytes(api.pid()),
                ProcessMemory.heapUsedBytes(worker), ProcessMemory.liveDataBytes(worker),
                ProcessMemory.rssBytes(worker.pid()), redis.infoField("memory", "used_memory"),
                redis.length(RedisNames.TASK_STREAM), group[0], group[1],
                redis.number("ZCARD", RedisNames.RETRY_SET), redis.length(RedisNames.DEAD_LETTER_STREAM),
                rows, bytes);
    }

    /**
     * Entries not yet delivered to the workers' group and entries delivered but not acknowledged.
     * XINFO's own lag is unknown once the stream has been trimmed, so the undelivered entries are
     * counted after the group's last delivered id.
     */
    private static long[] group(RedisCommands redis) {
        for (Object entry : (List<?>) redis.call("XINFO", "GROUPS", RedisNames.TASK_STREAM)) {
            List<?> fields = (List<?>) entry;
            Map<String, Object> group = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                group.put(String.valueOf(fields.get(i)), fields.get(i + 1));
            }
            if (RedisNames.WORKER_GROUP.equals(group.get("name"))) {
                List<?> undelivered = (List<?>) redis.call("XRANGE", RedisNames.TASK_STREAM,
                        "(" + group.get("last-delivered-id"), "+", "COUNT", "1000000");
                return new long[] {undelivered.size(), (Long) group.get("pending")};
            }
        }
        return new long[] {-1, -1};
    }

    String csv() {
        return String.join(",", List.of(second, submittedPerSecond, completedPerSecond, notSucceeded,
                        String.format("%.0f", endToEndP99Ms), apiHeap, apiLive, apiRss, workerHeap, workerLive, workerRss,
                        redisMemory, streamLength, groupLag, groupPending, retriesWaiting, deadLetters, taskRows, tableBytes)
                .stream().map(String::valueOf).toList());
    }

    String row() {
        return String.format("| %d | %d | %d | %d | %.0f ms | %s / %s / %s | %s / %s / %s | %s | %,d | %d | %d | %d | %d | %,d | %s |",
                second / 60, submittedPerSecond, completedPerSecond, notSucceeded, endToEndP99Ms,
                ProcessMemory.mib(apiHeap), ProcessMemory.mib(apiLive), ProcessMemory.mib(apiRss),
                ProcessMemory.mib(workerHeap), ProcessMemory.mib(workerLive), ProcessMemory.mib(workerRss),
                ProcessMemory.mib(redisMemory), streamLength, groupLag, groupPending, retriesWaiting, deadLetters,
                taskRows, ProcessMemory.mib(tableBytes));
    }
}
