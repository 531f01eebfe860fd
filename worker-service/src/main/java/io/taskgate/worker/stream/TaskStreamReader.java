package io.taskgate.worker.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.execution.TaskExecutor;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reads the task stream through the workers' consumer group and hands each entry to the
 * executor, never holding more than {@code concurrency} entries at once: it asks Redis only for
 * as many entries as it has free slots, so a busy worker leaves work for idle ones.
 *
 * <p>At start it first re-reads the entries this consumer name received but never acknowledged
 * (a previous run of this worker died holding them), then reads new ones. An entry is
 * acknowledged only when the executor has stored the task's outcome; if storing failed, the
 * entry stays pending for a later attempt.
 */
@ApplicationScoped
public class TaskStreamReader {

    private static final Logger LOG = Logger.getLogger(TaskStreamReader.class);
    /** In XREADGROUP, "0" re-reads this consumer's own pending entries; ">" asks for new ones. */
    private static final String OWN_PENDING = "0";
    private static final String NEW_ENTRIES = ">";

    private final ReactiveStreamCommands<String, String, String> streams;
    private final TaskExecutor executor;
    private final WorkerConfig config;
    private final Vertx vertx;
    private final String consumer;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile String readFrom = OWN_PENDING;
    private volatile boolean groupReady;
    private Context rootContext;

    public TaskStreamReader(ReactiveRedisDataSource redis, TaskExecutor executor, WorkerConfig config, Vertx vertx,
            MeterRegistry meters) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.executor = executor;
        this.config = config;
        this.vertx = vertx;
        this.consumer = config.consumerName().orElseGet(TaskStreamReader::defaultConsumerName);
        meters.gauge("taskgate.worker.in.flight", inFlight);
        meters.gauge("taskgate.worker.concurrency", config.concurrency());
    }

    void start(@Observes StartupEvent startup) {
        rootContext = vertx.getOrCreateContext();
        LOG.infof("reading %s as consumer %s of group %s, at most %d tasks at once",
                RedisNames.TASK_STREAM, consumer, RedisNames.WORKER_GROUP, config.concurrency());
        readMore();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.set(true);
    }

    public boolean isReading() {
        return groupReady && !stopping.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public String consumerName() {
        return consumer;
    }

    /** Starts one read if none is outstanding and a slot is free; called again whenever either changes. */
    private void readMore() {
        int free = config.concurrency() - inFlight.get();
        if (stopping.get() || free <= 0 || !reading.compareAndSet(false, true)) {
            return;
        }
        ensureGroup()
                .chain(() -> streams.xreadgroup(RedisNames.WORKER_GROUP, consumer, RedisNames.TASK_STREAM, readFrom,
                        new XReadGroupArgs().count(free).block(config.readBlock())))
                .subscribe().with(this::dispatchAll, this::onReadFailure);
    }

    private void dispatchAll(List<StreamMessage<String, String, String>> messages) {
        if (OWN_PENDING.equals(readFrom) && (messages == null || messages.isEmpty())) {
            readFrom = NEW_ENTRIES;
        }
        if (messages != null) {
            messages.forEach(this::dispatch);
        }
        reading.set(false);
        readMore();
    }

    private void onReadFailure(Throwable failure) {
        if (failure.getMessage() != null && failure.getMessage().startsWith("NOGROUP")) {
            // The stream or group vanished (Redis flushed or restarted empty): create it again.
            groupReady = false;
        }
        LOG.warnf("reading %s failed: %s", RedisNames.TASK_STREAM, failure.getMessage());
        vertx.setTimer(config.readRetryDelay().toMillis(), id -> {
            reading.set(false);
            readMore();
        });
    }

    private void dispatch(StreamMessage<String, String, String> message) {
        TaskStreamEntry entry;
        try {
            entry = TaskStreamEntry.fromFields(message.payload());
        } catch (IllegalArgumentException e) {
            // Retrying cannot repair a malformed entry; acknowledge it so it does not circle forever.
            LOG.errorf("dropping malformed stream entry %s: %s", message.id(), e.getMessage());
            acknowledge(message.id());
            return;
        }
        inFlight.incrementAndGet();
        // Each task gets its own duplicated context: Hibernate Reactive binds its session to it,
        // and tasks running side by side must not share one.
        Context taskContext = VertxContext.createNewDuplicatedContext(rootContext);
        VertxContextSafetyToggle.setContextSafe(taskContext, true);
        taskContext.runOnContext(ignored -> {
            // The logging MDC lives in the duplicated context, so every line about this task carries its id.
            MDC.put("taskId", entry.taskId().toString());
            MDC.put("tenantId", entry.tenantId());
            runOnItsContext(entry, message.id(), taskContext);
        });
    }

    private void runOnItsContext(TaskStreamEntry entry, String entryId, Context taskContext) {
        executor.execute(entry, taskContext)
                .chain(() -> acknowledge(entryId))
                .subscribe().with(
                        done -> finished(),
                        failure -> {
                            LOG.warnf("task %s not finished (%s); its entry stays pending", entry.taskId(),
                                    failure.getMessage());
                            finished();
                        });
    }

    private Uni<Void> acknowledge(String entryId) {
        return streams.xack(RedisNames.TASK_STREAM, RedisNames.WORKER_GROUP, entryId).replaceWithVoid();
    }

    private void finished() {
        inFlight.decrementAndGet();
        readMore();
    }

    /**
     * Creates the group at the start of the stream ("0"), so tasks queued before any worker
     * existed are read too. An existing group is left as it is.
     */
    private Uni<Void> ensureGroup() {
        if (groupReady) {
            return Uni.createFrom().voidItem();
        }
        return streams.xgroupCreate(RedisNames.TASK_STREAM, RedisNames.WORKER_GROUP, "0",
                        new XGroupCreateArgs().mkstream())
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP"))
                .recoverWithNull()
                .invoke(() -> groupReady = true);
    }

    private static String defaultConsumerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        return host + "-" + ProcessHandle.current().pid();
    }
}
