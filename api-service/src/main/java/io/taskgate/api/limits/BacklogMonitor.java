package io.taskgate.api.limits;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.RedisNames;
import io.taskgate.model.RedisReplies;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Measures the task stream once per sample interval (its length, and when its oldest entry not
 * yet taken by a worker was added) and refuses submissions with 503 while the backlog is past
 * either ceiling, telling the client how long the workers need to work the excess off.
 */
@ApplicationScoped
public class BacklogMonitor {

    private static final Logger LOG = Logger.getLogger(BacklogMonitor.class);

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final ApiConfig.Admission config;
    private final Backlog backlog;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile boolean unmeasurable;
    private long timer = -1;

    public BacklogMonitor(ReactiveRedisDataSource redis, Vertx vertx, ApiConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.config = config.admission();
        this.backlog = new Backlog(this.config.maxBacklog(), this.config.maxWait(), this.config.maxRetryAfter());
    }

    void start(@Observes StartupEvent startup) {
        if (config.enabled()) {
            timer = vertx.setPeriodic(config.sampleEvery().toMillis(), tick -> sample());
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Fails with 503 and a Retry-After while the backlog is past a ceiling. */
    public void admit() {
        if (!config.enabled()) {
            return;
        }
        Optional<Duration> wait = backlog.refusal(System.currentTimeMillis());
        if (wait.isPresent()) {
            throw ProblemException.unavailable("backlog-full", "the workers are behind: more tasks are waiting than "
                    + "this service accepts (" + config.maxBacklog() + " entries or " + config.maxWait().toSeconds()
                    + " s of waiting); nothing was accepted, try again after Retry-After", wait.get(), null);
        }
    }

    public void accepted() {
        backlog.accepted();
    }

    private void sample() {
        if (!sampling.compareAndSet(false, true)) {
            return;
        }
        measure().subscribe().with(ignored -> sampling.set(false), failure -> sampling.set(false));
    }

    private Uni<Void> measure() {
        return Uni.combine().all().unis(redis.execute("XLEN", RedisNames.TASK_STREAM), oldestWaitingAddedAt())
                .asTuple()
                .invoke(sampled -> {
                    backlog.sample(System.currentTimeMillis(), sampled.getItem1().toLong(), sampled.getItem2());
                    if (unmeasurable) {
                        unmeasurable = false;
                        LOG.info("the task backlog is measured again");
                    }
                })
                .onFailure().invoke(failure -> {
                    backlog.unknown();
                    if (!unmeasurable) {
                        unmeasurable = true;
                        LOG.warnf("the task backlog cannot be measured (%s); its ceiling is not applied until it can",
                                failure.getMessage());
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * When the oldest entry that no worker has been given yet was added, from its id; -1 if
     * there is none. Before the workers' group exists every entry is waiting.
     */
    private Uni<Long> oldestWaitingAddedAt() {
        return redis.execute("XINFO", "GROUPS", RedisNames.TASK_STREAM)
                .onFailure(BacklogMonitor::noStream).recoverWithNull()
                .map(BacklogMonitor::lastDeliveredId)
                .chain(lastDelivered -> redis.execute("XRANGE", RedisNames.TASK_STREAM,
                        lastDelivered == null ? "-" : "(" + lastDelivered, "+", "COUNT", "1"))
                .map(entries -> entries == null || entries.size() == 0 ? -1L : addedAt(entries.get(0).get(0).toString()));
    }

    private static String lastDeliveredId(Response groups) {
        if (groups == null) {
            return null;
        }
        for (Response group : groups) {
            if (RedisNames.WORKER_GROUP.equals(RedisReplies.field(group, "name"))) {
                return RedisReplies.field(group, "last-delivered-id");
            }
        }
        return null;
    }

    private static boolean noStream(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("no such key");
    }

    private static long addedAt(String streamId) {
        int dash = streamId.indexOf('-');
        return Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
    }
}
