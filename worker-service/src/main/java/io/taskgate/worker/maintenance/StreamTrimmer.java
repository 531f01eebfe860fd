package io.taskgate.worker.maintenance;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.RedisReplies;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Keeps the task stream's memory bounded: removes entries that every consumer group has both
 * received and acknowledged. The trim point is the lower of the group's last delivered id and
 * its oldest pending id, so no entry that is unread or unacknowledged is ever removed.
 */
@ApplicationScoped
public class StreamTrimmer {

    private static final Logger LOG = Logger.getLogger(StreamTrimmer.class);

    private final ReactiveRedisDataSource redis;
    private final BackgroundLoop loop;

    public StreamTrimmer(ReactiveRedisDataSource redis, BackgroundLoops loops) {
        this.redis = redis;
        this.loop = loops.loop("stream-trimmer", StreamTrimmer.class);
    }

    @Scheduled(every = "${taskgate.worker.sweeper.trim-every:10s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> trim() {
        return loop.watch(safeTrimPoint()
                        .chain(point -> point == null ? Uni.createFrom().item(0L)
                                : redis.stream(String.class).xtrim(RedisNames.TASK_STREAM, new XTrimArgs().minid(point))))
                .invoke(removed -> {
                    if (removed > 0) {
                        LOG.debugf("trimmed %d acknowledged entries from %s", removed, RedisNames.TASK_STREAM);
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The lowest id still needed by any group, or null when there is no group (nothing is known to be done). */
    Uni<String> safeTrimPoint() {
        return redis.execute("XINFO", "GROUPS", RedisNames.TASK_STREAM)
                .chain(groups -> {
                    if (groups == null || groups.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    return lowestNeeded(groups);
                });
    }

    private Uni<String> lowestNeeded(Response groups) {
        String lowest = null;
        java.util.List<Uni<String>> pendingLows = new java.util.ArrayList<>();
        for (Response group : groups) {
            String name = RedisReplies.field(group, "name");
            String lastDelivered = RedisReplies.field(group, "last-delivered-id");
            if (name == null || lastDelivered == null) {
                return Uni.createFrom().nullItem();
            }
            lowest = StreamIds.lower(lowest, lastDelivered);
            pendingLows.add(redis.stream(String.class).xpending(RedisNames.TASK_STREAM, name)
                    .map(summary -> summary.getPendingCount() == 0 ? null : summary.getLowestId()));
        }
        String lowestDelivered = lowest;
        return Uni.join().all(pendingLows).andFailFast()
                .map(lows -> lows.stream().reduce(lowestDelivered, StreamIds::lower));
    }
}
