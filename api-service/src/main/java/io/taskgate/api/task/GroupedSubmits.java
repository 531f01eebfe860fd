package io.taskgate.api.task;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.context.CallerContext;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.task.TaskInserts.NewTask;
import io.taskgate.model.Batcher;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStreamEntry;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Concurrent submits on this instance share one INSERT (one transaction when keys are claimed)
 * and one pipelined XADD batch. A submit is answered only once its row is committed and its
 * entry is on the stream, exactly as when each submit was alone; grouping changes how many
 * round trips that takes, not what an answer promises.
 *
 * <p>Faults stay per request: a row PostgreSQL refuses (a data error) sends its batch through
 * again one row at a time, so only that request fails; an unreachable PostgreSQL fails the whole
 * batch with 503 and stores nothing; a stream that refuses the batch gets every row of it
 * withdrawn and every request answered 503.
 */
@ApplicationScoped
public class GroupedSubmits {

    /** What became of one submit in its batch. */
    public sealed interface Stored permits Accepted, KeyTaken, Refused {
    }

    /** Committed and on the stream. */
    public record Accepted(TaskRecord task) implements Stored {
    }

    /** Not stored: another submission holds the Idempotency-Key. */
    public record KeyTaken() implements Stored {
    }

    /** Not stored, for the reason given. */
    public record Refused(ProblemException problem) implements Stored {
    }

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(GroupedSubmits.class);
    private static final KeyTaken KEY_TAKEN = new KeyTaken();

    private final TaskInserts inserts;
    private final TaskQueue queue;
    private final Batcher<NewTask, Stored> batcher;
    private final DistributionSummary batchSizes;

    public GroupedSubmits(TaskInserts inserts, TaskQueue queue, ApiConfig config, MeterRegistry meters) {
        this.inserts = inserts;
        this.queue = queue;
        int batchSize = config.tasks().submitBatchSize();
        // Batch size 1 is the ungrouped path: each submit its own statement and XADD, as many at
        // once as the connection pool allows.
        int inFlight = batchSize == 1 ? Integer.MAX_VALUE : config.tasks().submitBatchesInFlight();
        this.batcher = new Batcher<>(batchSize, inFlight, this::flush);
        this.batchSizes = DistributionSummary.builder("taskgate.submit.batch.size")
                .description("submits stored and queued together").register(meters);
    }

    /** Stores and queues the task with whatever else is submitted meanwhile; answers on the caller's context. */
    public Uni<Stored> submit(NewTask task) {
        // A keyed replay that follows uses a Hibernate session, which belongs to the caller's
        // context, and the batch may have been completed on another event loop.
        return Uni.createFrom().deferred(() -> CallerContext.backOnCallersContext(batcher.add(task)));
    }

    static ProblemException storeUnavailable(Throwable failure) {
        return ProblemException.unavailable("store-unavailable",
                "the task store is unavailable; nothing was accepted, try again", RETRY_AFTER, failure);
    }

    /** One batch, as the batcher sends it; package-level for tests that need a batch of a known shape. */
    Uni<List<Stored>> flush(List<NewTask> batch) {
        batchSizes.record(batch.size());
        return store(batch).chain(this::enqueue);
    }

    /** One result per task, in order. Fails only when the store cannot be reached. */
    private Uni<List<Stored>> store(List<NewTask> batch) {
        return inserts.insert(batch)
                .map(taken -> storedAll(batch, taken))
                .onFailure(GroupedSubmits::isRowRefusal).recoverWithUni(failure -> batch.size() == 1
                        ? Uni.createFrom().item(List.<Stored>of(new Refused(unstorable(failure))))
                        : oneByOne(batch))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(GroupedSubmits::storeUnavailable);
    }

    private static List<Stored> storedAll(List<NewTask> batch, Set<java.util.UUID> taken) {
        List<Stored> stored = new ArrayList<>(batch.size());
        for (NewTask task : batch) {
            stored.add(taken.contains(task.task().id) ? KEY_TAKEN : new Accepted(task.task()));
        }
        return stored;
    }

    /** After a row was refused: each task alone, so the refusal stays with its own request. */
    private Uni<List<Stored>> oneByOne(List<NewTask> batch) {
        List<Uni<List<Stored>>> alone = new ArrayList<>(batch.size());
        for (NewTask task : batch) {
            alone.add(store(List.of(task))
                    .onFailure().recoverWithItem(failure -> List.of(new Refused((ProblemException) failure))));
        }
        return Uni.join().all(alone).andFailFast().map(results -> results.stream().flatMap(List::stream).toList());
    }

    /**
     * Rows are committed before their entries are written, so a worker never reads an entry
     * whose row it cannot see yet. If the stream refuses the batch, its rows are removed again
     * (with their keys, by cascade): no task is accepted that no worker will ever see.
     */
    private Uni<List<Stored>> enqueue(List<Stored> stored) {
        List<TaskRecord> accepted = new ArrayList<>(stored.size());
        for (Stored each : stored) {
            if (each instanceof Accepted acceptedTask) {
                accepted.add(acceptedTask.task());
            }
        }
        List<TaskStreamEntry> entries = accepted.stream().map(task -> new TaskStreamEntry(task.id, task.tenantId, task.type)).toList();
        return queue.enqueueAll(entries).replaceWith(stored)
                .onFailure().recoverWithUni(failure -> withdraw(accepted, failure).replaceWith(() -> {
                    ProblemException unavailable = ProblemException.unavailable("queue-unavailable",
                            "the task queue is unavailable; nothing was accepted, try again", RETRY_AFTER, failure);
                    return stored.stream().map(each -> each instanceof Accepted ? (Stored) new Refused(unavailable) : each).toList();
                }));
    }

    private Uni<Void> withdraw(List<TaskRecord> accepted, Throwable cause) {
        if (accepted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // The 503s that follow are logged (throttled) by the problem mapper.
        LOG.debugf(cause, "could not queue %d tasks; withdrawing them", accepted.size());
        return inserts.withdraw(accepted.stream().map(task -> task.id).toList())
                // Left in place, an unqueued row is found and queued by the sweeper.
                .onFailure().invoke(e -> LOG.errorf(e, "could not withdraw %d unqueued tasks; the sweeper will queue them",
                        accepted.size()))
                .onFailure().recoverWithNull();
    }

    /** PostgreSQL refused a value of a row (data exception, class 22) or a constraint (class 23), not the batch. */
    private static boolean isRowRefusal(Throwable failure) {
        return failure instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
    }

    private static ProblemException unstorable(Throwable failure) {
        return ProblemException.badRequest("unstorable-input",
                "the task store refused this input: " + ((PgException) failure).getErrorMessage());
    }
}
