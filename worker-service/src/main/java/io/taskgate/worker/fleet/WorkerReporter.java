package io.taskgate.worker.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.taskgate.model.RedisNames;
import io.taskgate.model.health.PoolUsage;
import io.taskgate.model.health.ProcessResources;
import io.taskgate.model.health.WorkerReport;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.execution.AttemptOutcomes;
import io.taskgate.worker.execution.TaskDispatcher;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes this worker's {@link WorkerReport} to its field of the fleet's report hash every
 * {@code taskgate.worker.report-every}, which is how the api's {@code /api/v1/health/workers}
 * knows who is alive, how loaded each one is and who stopped answering. A worker stopping in
 * order takes its report away; one that dies leaves it to grow old and be marked gone.
 */
@ApplicationScoped
public class WorkerReporter {

    private static final Logger LOG = Logger.getLogger(WorkerReporter.class);
    /** A report is written three times within the time after which it marks its worker gone. */
    private static final int REPORTS_PER_GONE_AFTER = 3;
    private static final double POOL_WARNING_PERCENT = 80;

    private final WorkerIdentity identity;
    private final WorkerConfig config;
    private final TaskDispatcher dispatcher;
    private final HandlerRegistry handlers;
    private final AttemptOutcomes outcomes;
    private final MeterRegistry meters;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final BackgroundLoop loop;
    private volatile boolean leaving;
    private volatile CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    public WorkerReporter(WorkerIdentity identity, WorkerConfig config, TaskDispatcher dispatcher,
            HandlerRegistry handlers, AttemptOutcomes outcomes, MeterRegistry meters, ReactiveRedisDataSource redis,
            ObjectMapper json, BackgroundLoops loops) {
        this.identity = identity;
        this.config = config;
        this.dispatcher = dispatcher;
        this.handlers = handlers;
        this.outcomes = outcomes;
        this.meters = meters;
        this.redis = redis;
        this.json = json;
        this.loop = loops.loop("worker-report", WorkerReporter.class);
    }

    @Scheduled(every = "${taskgate.worker.report-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        // Published before the check, as leave() sets its flag before it reads this: one of the two sees the other.
        CompletableFuture<Void> written = new CompletableFuture<>();
        lastWrite = written;
        if (leaving) {
            written.complete(null);
            return Uni.createFrom().voidItem();
        }
        // Off the event loop: the report reads /proc and walks the meter registry.
        return loop.watch(Uni.createFrom().item(this::report).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .chain(this::write))
                .onTermination().invoke(() -> written.complete(null))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Blocking is fine here: shutdown observers run on the thread that stops the application.
     * Reports stop first, so one written while running tasks drain cannot bring the field back.
     */
    void leave(@Observes ShutdownEvent shutdown) {
        leaving = true;
        try {
            // A write already under way would otherwise land after the removal.
            lastWrite.get(2, TimeUnit.SECONDS);
        } catch (Exception notWritten) {
            LOG.debugf("the last report of %s did not finish: %s", identity.id(), notWritten);
        }
        try {
            redis.hash(String.class).hdel(RedisNames.WORKER_REPORTS, identity.id()).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException unreachable) {
            LOG.debugf("report of %s not removed (%s); it will show as gone", identity.id(), unreachable.getMessage());
        }
    }

    WorkerReport report() {
        long processed = 0;
        long failed = 0;
        for (Timer timer : meters.find("taskgate.task.duration").timers()) {
            processed += timer.count();
            if ("FAILED".equals(timer.getId().getTag("status"))) {
                failed += timer.count();
            }
        }
        long goneAfter = config.reportEvery().multipliedBy(REPORTS_PER_GONE_AFTER).toSeconds();
        return new WorkerReport(identity.id(), identity.host(), identity.version(), identity.startedAt().toString(),
                Instant.now().toString(), Math.max(1, goneAfter), config.concurrency(), dispatcher.inFlight(), processed,
                failed, List.copyOf(new TreeSet<>(handlers.types())), ProcessResources.read(),
                PoolUsage.read(meters, POOL_WARNING_PERCENT), outcomes.window().toSeconds(), outcomes.recent());
    }

    private Uni<Void> write(WorkerReport report) {
        String text;
        try {
            text = json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.hash(String.class).hset(RedisNames.WORKER_REPORTS, identity.id(), text).replaceWithVoid();
    }
}
