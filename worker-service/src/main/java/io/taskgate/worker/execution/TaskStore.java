package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskRows;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.stream.DeadLetterReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The worker's writes to the tasks table. Each change is one conditional statement ({@code UPDATE
 * … WHERE} the task is in the state the change expects {@code … RETURNING} the row) over the
 * reactive client, and the same change for concurrent tasks leaves as one batch with one commit
 * ({@link GroupedStatements}); only the rare branches of starting an attempt (a redelivery, a
 * cancelled or exhausted task) lock the row and decide in a transaction.
 *
 * <p>An attempt is fenced by its number: every change made on behalf of attempt N requires the
 * row to be RUNNING with {@code attempts = N}. Once the task has been restarted elsewhere (its
 * delivery was reclaimed from a worker presumed dead), the old attempt's late writes change
 * nothing, so each task records exactly one outcome. A change that does not apply returns null.
 */
@ApplicationScoped
public class TaskStore implements PanacheRepositoryBase<TaskRecord, UUID>, TaskLedger {

    /** Retries may arrive slightly early when worker clocks disagree; this much is tolerated. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMillis(500);

    private static final String HELD = " WHERE id = $1 AND status = 'RUNNING' AND attempts = $2 RETURNING " + TaskRows.COLUMNS;

    private static final String START_QUEUED = """
            UPDATE tasks SET status = 'RUNNING', attempts = attempts + 1, started_at = $2, progress = NULL,
                event_seq = event_seq + 1, updated_at = $2, lease_entry_id = $3, heartbeat_at = $2,
                next_attempt_at = NULL
            WHERE id = $1 AND status = 'QUEUED' AND NOT cancel_requested AND attempts < $4
                AND (next_attempt_at IS NULL OR next_attempt_at <= $5)
            RETURNING """ + " " + TaskRows.COLUMNS;

    /**
     * Skips rows another transaction holds. A grouped batch of state changes locks its tasks' rows
     * one after another in one transaction; a heartbeat that waited for those locks while holding
     * others could close a cycle with it, and PostgreSQL breaks that deadlock only after
     * {@code deadlock_timeout}, a second in which the whole batch stalls. A locked row is being
     * changed by its own attempt at that moment, which is a sign of life in itself.
     */
    static final String HEARTBEAT = """
            UPDATE tasks SET heartbeat_at = $1 WHERE id IN (
                SELECT id FROM tasks WHERE id = ANY($2::uuid[]) AND status = 'RUNNING' FOR UPDATE SKIP LOCKED)""";

    private static final String RECORD_PROGRESS =
            "UPDATE tasks SET progress = $4, event_seq = event_seq + 1, updated_at = $3" + HELD;

    /** A cancellation asked for meanwhile wins over the result: CANCELLED, result and error untouched. */
    private static final String SUCCEED = """
            UPDATE tasks SET
                status = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'SUCCEEDED' END,
                result = CASE WHEN cancel_requested THEN result ELSE $4::text::jsonb END,
                progress = CASE WHEN cancel_requested THEN progress ELSE 1.0 END,
                error_code = CASE WHEN cancel_requested THEN error_code END,
                error_message = CASE WHEN cancel_requested THEN error_message END,
                error_retryable = CASE WHEN cancel_requested THEN error_retryable END,
                finished_at = $3, event_seq = event_seq + 1, updated_at = $3""" + HELD;

    private static final String FAIL = """
            UPDATE tasks SET status = 'FAILED', error_code = $4, error_message = $5, error_retryable = $6,
                finished_at = $3, event_seq = event_seq + 1, updated_at = $3""" + HELD;

    private static final String CANCEL = """
            UPDATE tasks SET status = 'CANCELLED', finished_at = $3, event_seq = event_seq + 1, updated_at = $3""" + HELD;

    private static final String SCHEDULE_RETRY = """
            UPDATE tasks SET error_code = $4, error_message = $5, error_retryable = $6,
                status = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'QUEUED' END,
                finished_at = CASE WHEN cancel_requested THEN $3::timestamptz END,
                lease_entry_id = CASE WHEN cancel_requested THEN lease_entry_id END,
                next_attempt_at = CASE WHEN cancel_requested THEN next_attempt_at ELSE $7::timestamptz END,
                enqueued_at = CASE WHEN cancel_requested THEN enqueued_at ELSE $7::timestamptz END,
                event_seq = event_seq + 1, updated_at = $3""" + HELD;

    /** As if the attempt had not started: its count is given back. */
    private static final String DEFER = """
            UPDATE tasks SET
                status = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'QUEUED' END,
                finished_at = CASE WHEN cancel_requested THEN $3::timestamptz END,
                attempts = CASE WHEN cancel_requested THEN attempts ELSE attempts - 1 END,
                lease_entry_id = CASE WHEN cancel_requested THEN lease_entry_id END,
                next_attempt_at = CASE WHEN cancel_requested THEN next_attempt_at ELSE $4::timestamptz END,
                enqueued_at = CASE WHEN cancel_requested THEN enqueued_at ELSE $4::timestamptz END,
                event_seq = event_seq + 1, updated_at = $3""" + HELD;

    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json;
    private final Pool pool;
    private final GroupedStatements grouped;

    public TaskStore(ObjectMapper json, Pool pool, WorkerConfig config) {
        this.json = json;
        this.pool = pool;
        this.grouped = new GroupedStatements(pool, config.writes().batchSize(), config.writes().batchesInFlight());
    }

    /**
     * Starts a new attempt for the delivery {@code entryId}. A QUEUED task starts (unless its
     * retry is not due yet). A RUNNING task restarts only if this is a redelivery of the very
     * entry that holds it — its holder died; any other entry for it is a duplicate and skipped.
     * A task already started {@code deliveryLimit} times is failed with DELIVERY_LIMIT instead.
     *
     * <p>A holder that died may have stored its last change without publishing it, and a finished
     * task's entry comes back only when its worker died between storing the outcome and
     * acknowledging. In both cases the row as found is handed back to be published again:
     * subscribers drop a seq they already have, so a repeat costs nothing and a loss is repaired.
     */
    @Override
    public Uni<StartResult> startAttempt(UUID taskId, String entryId, int deliveryLimit) {
        Instant now = now();
        // The common case in one statement: a queued task, due, not cancelled, under its limit.
        return grouped.execute(START_QUEUED, Tuple.tuple().addUUID(taskId).addOffsetDateTime(TaskRows.utc(now)).addString(entryId)
                        .addInteger(deliveryLimit).addOffsetDateTime(TaskRows.utc(now.plus(CLOCK_TOLERANCE))))
                .chain(rows -> rows.size() == 1
                        ? Uni.createFrom().item(StartResult.started(TaskRows.from(rows.iterator().next()), null))
                        : startUnderLock(taskId, entryId, deliveryLimit));
    }

    /** Every other case, decided on the locked row. */
    private Uni<StartResult> startUnderLock(UUID taskId, String entryId, int deliveryLimit) {
        return Panache.withTransaction(() -> lock(taskId).map(task -> {
            Instant now = now();
            if (task == null) {
                return StartResult.skipped();
            }
            if (task.status.isFinal()) {
                return StartResult.finished(TaskViews.of(task, json));
            }
            if (task.status == TaskStatus.RUNNING && !entryId.equals(task.leaseEntryId)) {
                return StartResult.skipped();
            }
            if (task.status == TaskStatus.QUEUED && task.nextAttemptAt != null
                    && task.nextAttemptAt.isAfter(now.plus(CLOCK_TOLERANCE))) {
                return StartResult.skipped();
            }
            TaskView lastStored = null;
            if (task.status == TaskStatus.RUNNING) {
                lastStored = TaskViews.of(task, json);
                task.takeBackAbandonedAttempt();
            }
            if (task.cancelRequested) {
                task.moveTo(TaskStatus.CANCELLED, now);
                return StartResult.settled(task, null, lastStored);
            }
            if (task.attempts >= deliveryLimit) {
                task.fail(TaskError.permanent("DELIVERY_LIMIT", "given up after " + task.attempts + " starts"), now);
                return StartResult.settled(task, DeadLetterReason.DELIVERY_LIMIT, lastStored);
            }
            task.startAttempt(entryId, now);
            return StartResult.started(task, lastStored);
        }));
    }

    @Override
    public Uni<TaskRecord> recordProgress(UUID taskId, int attempt, double fraction) {
        return whileHeld(RECORD_PROGRESS, taskId, attempt, now(), tuple -> tuple.addDouble(fraction));
    }

    /** Records the result; a task whose cancellation was asked for meanwhile ends CANCELLED instead. */
    @Override
    public Uni<TaskRecord> succeed(UUID taskId, int attempt, String resultJson) {
        return whileHeld(SUCCEED, taskId, attempt, now(), tuple -> tuple.addString(resultJson));
    }

    @Override
    public Uni<TaskRecord> fail(UUID taskId, int attempt, TaskError error) {
        return whileHeld(FAIL, taskId, attempt, now(), tuple -> withError(tuple, error));
    }

    @Override
    public Uni<TaskRecord> cancel(UUID taskId, int attempt) {
        return whileHeld(CANCEL, taskId, attempt, now(), tuple -> tuple);
    }

    /**
     * Puts the task back in the queue until {@code dueAt}, keeping the error that caused the
     * retry visible (also when it ends CANCELLED instead). The caller then schedules the retry's
     * stream entry.
     */
    @Override
    public Uni<TaskRecord> scheduleRetry(UUID taskId, int attempt, TaskError error, Instant dueAt) {
        return whileHeld(SCHEDULE_RETRY, taskId, attempt, now(),
                tuple -> withError(tuple, error).addOffsetDateTime(TaskRows.utc(dueAt)));
    }

    /**
     * Hands the task back to the queue until {@code dueAt} as if this attempt had not started:
     * the handler deferred before doing any work, so the attempt is not counted.
     */
    @Override
    public Uni<TaskRecord> defer(UUID taskId, int attempt, Instant dueAt) {
        return whileHeld(DEFER, taskId, attempt, now(), tuple -> tuple.addOffsetDateTime(TaskRows.utc(dueAt)));
    }

    /** Marks the given running tasks as alive; one statement for all of them. */
    public Uni<Integer> heartbeat(Collection<UUID> taskIds) {
        return pool.preparedQuery(HEARTBEAT)
                .execute(Tuple.tuple().addOffsetDateTime(TaskRows.utc(now())).addArrayOfUUID(taskIds.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /**
     * One conditional statement: the change applies only while attempt {@code attempt} holds
     * the task ({@code $1} id, {@code $2} attempt, {@code $3} now, then the change's own). No
     * row comes back when it does not, and the change is null.
     */
    private Uni<TaskRecord> whileHeld(String update, UUID taskId, int attempt, Instant now,
            java.util.function.UnaryOperator<Tuple> parameters) {
        Tuple tuple = parameters.apply(Tuple.tuple().addUUID(taskId).addInteger(attempt).addOffsetDateTime(TaskRows.utc(now)));
        return grouped.execute(update, tuple)
                .map(rows -> rows.size() == 1 ? TaskRows.from(rows.iterator().next()) : null);
    }

    private static Tuple withError(Tuple tuple, TaskError error) {
        return tuple.addString(error.code()).addString(error.message()).addBoolean(error.retryable());
    }

    private Uni<TaskRecord> lock(UUID taskId) {
        return findById(taskId, LockModeType.PESSIMISTIC_WRITE);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

}
