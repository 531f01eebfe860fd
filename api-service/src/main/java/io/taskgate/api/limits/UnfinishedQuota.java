package io.taskgate.api.limits;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.context.SharedRead;
import io.taskgate.api.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Each tenant's quota of unfinished (queued or running) tasks. The count comes from PostgreSQL
 * at most once per refresh interval per tenant and instance; in between, the instance adds the
 * tasks it has accepted itself, so one instance never overshoots, and several overshoot by no
 * more than they accept together within one interval.
 */
@ApplicationScoped
public class UnfinishedQuota {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Pool pool;
    private final ApiConfig config;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    public UnfinishedQuota(Pool pool, ApiConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Fails with 429 when the tenant already has its quota of unfinished tasks. */
    public Uni<Void> admit(String tenantId) {
        if (!config.admission().enabled()) {
            return Uni.createFrom().voidItem();
        }
        int quota = quotaOf(tenantId);
        Count count = counts.computeIfAbsent(tenantId, tenant -> new Count(() -> unfinishedIn(tenant)));
        return count.current(config.admission().quotaRefresh())
                .invoke(unfinished -> {
                    if (unfinished >= quota) {
                        throw ProblemException.tooManyRequests("unfinished-quota-reached", "this tenant already has "
                                + unfinished + " unfinished tasks, its quota is " + quota
                                + "; submit more once some have finished", RETRY_AFTER, Map.of());
                    }
                })
                .replaceWithVoid();
    }

    /** Counts a task this instance has just accepted, until the next read of the real figure. */
    public void accepted(String tenantId) {
        Count count = counts.get(tenantId);
        if (count != null) {
            count.acceptedSinceRead.incrementAndGet();
        }
    }

    private int quotaOf(String tenantId) {
        return Optional.ofNullable(config.limits().tenants().get(tenantId))
                .flatMap(ApiConfig.TenantLimits::maxUnfinished)
                .orElse(config.admission().maxUnfinishedPerTenant());
    }

    private Uni<Long> unfinishedIn(String tenantId) {
        return pool.preparedQuery("SELECT count(*) FROM tasks WHERE tenant_id = $1 AND status IN ('QUEUED', 'RUNNING')")
                .execute(Tuple.of(tenantId))
                .map(rows -> rows.iterator().next().getLong(0))
                .onFailure().transform(failure -> ProblemException.unavailable("store-unavailable",
                        "the task store is unavailable; nothing was accepted, try again", RETRY_AFTER, failure));
    }

    /** One tenant's last read figure, when it was read, and what was accepted here since. */
    private static final class Count {
        private final AtomicInteger acceptedSinceRead = new AtomicInteger();
        private final SharedRead<Long> reading;
        private volatile long readFigure;
        private volatile long readAt = Long.MIN_VALUE;

        Count(Supplier<Uni<Long>> read) {
            this.reading = new SharedRead<>(() -> {
                long startedAt = System.nanoTime();
                return read.get()
                        .invoke(figure -> {
                            // Submits accepted while the count ran may or may not be in it; keeping them
                            // counted until it is done errs towards refusing, never towards overshooting.
                            readFigure = figure;
                            readAt = startedAt;
                        })
                        .eventually(() -> acceptedSinceRead.set(0));
            });
        }

        /**
         * Only the very first read is waited for. After that a stale figure starts a read in the
         * background and is used meanwhile: the count takes long on a big table, and a submit
         * must not stall behind it once a second. This instance's own accepts are added either
         * way, so it still never overshoots by itself.
         */
        Uni<Long> current(Duration freshFor) {
            if (readAt == Long.MIN_VALUE) {
                return reading.get().map(figure -> figure + acceptedSinceRead.get());
            }
            if (System.nanoTime() - readAt >= freshFor.toNanos()) {
                // A failed refresh keeps the last figure; the submit's own insert reports the outage.
                reading.get().subscribe().with(figure -> { }, failure -> { });
            }
            return Uni.createFrom().item(readFigure + acceptedSinceRead.get());
        }
    }
}
