package io.taskgate.api.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.OperatorAccepted;
import io.taskgate.api.auth.RequiresRole;
import io.taskgate.api.auth.Role;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.RedisNames;
import io.taskgate.model.RedisReplies;
import io.vertx.mutiny.redis.client.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/health/queue}: the task stream and each of its consumer groups — length,
 * entries no worker has taken yet (the lag) and how long the oldest of them has waited, entries
 * taken and not yet acknowledged (pending) and the age of the oldest, per consumer too — plus
 * the retries waiting for their time and the dead letters. All from Redis, each read bounded.
 */
@Path("/api/v1/health/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "health")
public class QueueHealthResource {

    /** Where Redis does not report the lag (before 7.0) it is counted, up to this many. */
    static final int LAG_COUNT_LIMIT = 1_000;
    /** Consumers listed per group; a fleet larger than this is summed but not listed in full. */
    static final int CONSUMERS_LISTED = 100;

    /** One consumer of a group: what it holds, how long since it last read, its oldest entry's age. */
    public record ConsumerState(String name, long pending, long idleSeconds, Long oldestPendingAgeSeconds) {
    }

    /**
     * One consumer group. {@code lag} counts entries no consumer has taken; {@code lagCapped} says
     * it was counted only up to {@link #LAG_COUNT_LIMIT}.
     */
    public record GroupState(String group, long consumerCount, long pending, Long oldestPendingAgeSeconds, Long lag,
            boolean lagCapped, Long oldestWaitingAgeSeconds, String lastDeliveredId, List<ConsumerState> consumers) {
    }

    /** The answer; {@code warning} when an entry has waited longer than {@code waitWarningSeconds} for any worker. */
    public record QueueHealth(String status, String checkedAt, String stream, long length, long retriesWaiting,
            long deadLetters, long waitWarningSeconds, List<GroupState> groups) {
    }

    private final ReactiveRedisDataSource redis;
    private final HealthReads reads;
    private final Duration waitWarning;

    public QueueHealthResource(ReactiveRedisDataSource redis, HealthReads reads, ApiConfig config) {
        this.redis = redis;
        this.reads = reads;
        this.waitWarning = config.health().queueWaitWarning();
    }

    @GET
    @Operation(summary = "The task stream: length, lag and pending entries per group and consumer, retries and dead letters")
    @RequiresRole(Role.READ)
    @OperatorAccepted
    public Uni<QueueHealth> queue() {
        Instant now = Instant.now();
        return reads.fromRedis(Uni.combine().all()
                .unis(length(RedisNames.TASK_STREAM), redis.sortedSet(String.class).zcard(RedisNames.RETRY_SET),
                        length(RedisNames.DEAD_LETTER_STREAM), groups(now))
                .asTuple()
                .map(all -> {
                    List<GroupState> groups = all.getItem4();
                    boolean waitingTooLong = groups.stream().anyMatch(group -> group.oldestWaitingAgeSeconds() != null
                            && group.oldestWaitingAgeSeconds() > waitWarning.toSeconds());
                    return new QueueHealth(waitingTooLong ? "warning" : "healthy", now.toString(),
                            RedisNames.TASK_STREAM, all.getItem1(), all.getItem2(), all.getItem3(),
                            waitWarning.toSeconds(), groups);
                }));
    }

    private Uni<Long> length(String stream) {
        return redis.execute("XLEN", stream).map(reply -> reply == null ? 0L : reply.toLong());
    }

    private Uni<List<GroupState>> groups(Instant now) {
        return redis.execute("XINFO", "GROUPS", RedisNames.TASK_STREAM)
                .onFailure(QueueHealthResource::noStream).recoverWithNull()
                .chain(groups -> {
                    if (groups == null || groups.size() == 0) {
                        return Uni.createFrom().item(List.<GroupState>of());
                    }
                    List<Uni<GroupState>> states = new ArrayList<>();
                    for (Response group : groups) {
                        states.add(group(group, now));
                    }
                    return Uni.join().all(states).andFailFast();
                });
    }

    private Uni<GroupState> group(Response info, Instant now) {
        String name = RedisReplies.field(info, "name");
        String lastDelivered = RedisReplies.field(info, "last-delivered-id");
        long consumerCount = parseLong(RedisReplies.field(info, "consumers"), 0);
        long pending = parseLong(RedisReplies.field(info, "pending"), 0);
        String reportedLag = RedisReplies.field(info, "lag");
        String after = lastDelivered == null ? "-" : "(" + lastDelivered;
        Uni<List<String>> waiting = redis.execute("XRANGE", RedisNames.TASK_STREAM, after, "+", "COUNT",
                String.valueOf(reportedLag == null ? LAG_COUNT_LIMIT + 1 : 1)).map(QueueHealthResource::ids);
        Uni<String> oldestPending = redis.execute("XPENDING", RedisNames.TASK_STREAM, name)
                .map(summary -> summary == null || summary.size() < 2 || summary.get(1) == null ? null
                        : summary.get(1).toString());
        return Uni.combine().all().unis(waiting, oldestPending, consumers(name, now)).asTuple().map(all -> {
            List<String> waitingIds = all.getItem1();
            Long lag = reportedLag != null ? Long.valueOf(parseLong(reportedLag, 0))
                    : Long.valueOf(Math.min(waitingIds.size(), LAG_COUNT_LIMIT));
            boolean capped = reportedLag == null && waitingIds.size() > LAG_COUNT_LIMIT;
            Long oldestWaiting = waitingIds.isEmpty() ? null : ageSeconds(waitingIds.get(0), now);
            Long oldestPendingAge = all.getItem2() == null ? null : ageSeconds(all.getItem2(), now);
            return new GroupState(name, consumerCount, pending, oldestPendingAge, lag, capped, oldestWaiting,
                    lastDelivered, all.getItem3());
        });
    }

    private Uni<List<ConsumerState>> consumers(String group, Instant now) {
        return redis.execute("XINFO", "CONSUMERS", RedisNames.TASK_STREAM, group).chain(replies -> {
            List<Uni<ConsumerState>> states = new ArrayList<>();
            for (int i = 0; replies != null && i < Math.min(replies.size(), CONSUMERS_LISTED); i++) {
                Response consumer = replies.get(i);
                String name = RedisReplies.field(consumer, "name");
                long pending = parseLong(RedisReplies.field(consumer, "pending"), 0);
                long idleSeconds = parseLong(RedisReplies.field(consumer, "idle"), 0) / 1000;
                Uni<Long> oldest = pending == 0 ? Uni.createFrom().nullItem()
                        : redis.execute("XPENDING", RedisNames.TASK_STREAM, group, "-", "+", "1", name)
                                .map(entries -> entries == null || entries.size() == 0 ? null
                                        : ageSeconds(entries.get(0).get(0).toString(), now));
                states.add(oldest.map(age -> new ConsumerState(name, pending, idleSeconds, age)));
            }
            return states.isEmpty() ? Uni.createFrom().item(List.<ConsumerState>of()) : Uni.join().all(states).andFailFast();
        });
    }

    private static List<String> ids(Response entries) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; entries != null && i < entries.size(); i++) {
            ids.add(entries.get(i).get(0).toString());
        }
        return ids;
    }

    /** How long ago an entry was added, from the milliseconds its id starts with. */
    static long ageSeconds(String streamId, Instant now) {
        int dash = streamId.indexOf('-');
        long addedAt = Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
        return Math.max(0, (now.toEpochMilli() - addedAt) / 1000);
    }

    private static long parseLong(String text, long otherwise) {
        try {
            return text == null ? otherwise : Long.parseLong(text);
        } catch (NumberFormatException notANumber) {
            return otherwise;
        }
    }

    private static boolean noStream(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("no such key");
    }
}
