package io.taskgate.model.health;

import java.util.List;

/**
 * What a worker tells the fleet about itself every few seconds, in its field of
 * {@link io.taskgate.model.RedisNames#WORKER_REPORTS}. A report not refreshed within
 * {@code goneAfterSeconds} belongs to a worker that stopped or died.
 *
 * @param id the worker's consumer name in the stream group
 * @param processed attempts finished since it started, whatever their outcome
 * @param failed attempts of those that ended FAILED
 * @param recentOutcomes how this worker's attempts ended within the last
 *     {@code outcomeWindowSeconds}, per type and outcome
 */
public record WorkerReport(String id, String host, String version, String startedAt, String reportedAt,
        long goneAfterSeconds, int concurrency, int inFlight, long processed, long failed, List<String> handlerTypes,
        ProcessResources resources, List<PoolUsage> pools, long outcomeWindowSeconds,
        List<OutcomeCount> recentOutcomes) {
}
