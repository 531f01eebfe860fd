package io.taskgate.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.idempotency.IdempotencyKey;
import io.taskgate.api.idempotency.IdempotencyKeys;
import io.taskgate.api.idempotency.RequestFingerprint;
import io.taskgate.api.limits.BacklogMonitor;
import io.taskgate.api.limits.UnfinishedQuota;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.TaskIds;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Accepts a task: checks the request, stores the row, then appends it to the stream. The answer
 * goes out only after both, so an accepted task is both durable and on its way to a worker.
 *
 * <p>With an Idempotency-Key the row and the key are stored in one transaction, and only the
 * transaction that claimed the key queues its task; every other submission with that key is
 * rolled back and answered with the task the key already names.
 */
@ApplicationScoped
public class TaskSubmitter {

    private static final Logger LOG = Logger.getLogger(TaskSubmitter.class);
    private static final Duration QUEUE_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Supplier<Uni<Void>> NOTHING_MORE = () -> Uni.createFrom().voidItem();

    private final TaskRepository tasks;
    private final TaskQueue queue;
    private final TaskTypeCatalog types;
    private final IdempotencyKeys keys;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final UnfinishedQuota quota;
    private final BacklogMonitor backlog;
    private final Clock clock = Clock.systemUTC();

    public TaskSubmitter(TaskRepository tasks, TaskQueue queue, TaskTypeCatalog types, IdempotencyKeys keys,
            ApiConfig config, ObjectMapper json, MeterRegistry meters, UnfinishedQuota quota, BacklogMonitor backlog) {
        this.tasks = tasks;
        this.queue = queue;
        this.types = types;
        this.keys = keys;
        this.config = config;
        this.json = json;
        this.meters = meters;
        this.quota = quota;
        this.backlog = backlog;
    }

    public Uni<Submission> submit(String tenantId, SubmitTaskRequest request, Optional<IdempotencyKey> key) {
        String type = checkedType(request);
        JsonNode input = checkedInput(request.input());
        // The cheap local checks first: a full backlog refuses without a database round trip.
        backlog.admit();
        return types.check(type, input).chain(() -> quota.admit(tenantId)).chain(() -> key.isPresent()
                ? submitOnce(new KeyedRequest(tenantId, type, input, key.get(), RequestFingerprint.of(type, input)), true)
                : accept(newTask(tenantId, type, input), NOTHING_MORE).map(Submission::created));
    }

    /** Stores, queues and counts a new task; {@code inSameTransaction} runs after the insert, before the commit. */
    private Uni<TaskView> accept(TaskRecord task, Supplier<Uni<Void>> inSameTransaction) {
        return store(task, inSameTransaction)
                .call(this::enqueue)
                .invoke(stored -> {
                    meters.counter("taskgate.tasks.submitted", "type", stored.type).increment();
                    quota.accepted(stored.tenantId);
                    backlog.accepted();
                })
                .map(stored -> TaskViews.of(stored, json));
    }

    private Uni<TaskRecord> store(TaskRecord task, Supplier<Uni<Void>> inSameTransaction) {
        // Flushed at once so the key row's foreign key finds the task row in the same transaction.
        return Panache.withTransaction(() -> tasks.persistAndFlush(task).chain(stored -> inSameTransaction.get()).replaceWith(task))
                .onFailure(failure -> !(failure instanceof KeyAlreadyClaimed)).transform(this::storeUnavailable);
    }

    /**
     * The row is committed before the entry is written, so a worker never reads an entry whose
     * row it cannot see yet. If the stream refuses the entry, the row is removed again (with its
     * idempotency key, by cascade) and the caller is told to retry: no task is accepted that no
     * worker will ever see.
     */
    private Uni<String> enqueue(TaskRecord task) {
        return queue.enqueue(new TaskStreamEntry(task.id, task.tenantId, task.type))
                .onFailure().call(failure -> {
                    // The 503 that follows is logged (throttled) by the problem mapper.
                    LOG.debugf(failure, "could not queue task %s; withdrawing it", task.id);
                    return Panache.withTransaction(() -> tasks.deleteIfStillQueued(task.id))
                            .onFailure().invoke(e -> LOG.errorf(e, "could not withdraw unqueued task %s", task.id))
                            .onFailure().recoverWithNull();
                })
                .onFailure().transform(failure -> ProblemException.unavailable("queue-unavailable",
                        "the task queue is unavailable; nothing was accepted, try again", QUEUE_RETRY_AFTER, failure));
    }

    /**
     * One attempt to create the task the key names. If another submission holds the key, this
     * one's row is rolled back and the holder's task is the answer.
     */
    private Uni<Submission> submitOnce(KeyedRequest request, boolean mayRetry) {
        TaskRecord task = newTask(request.tenantId(), request.type(), request.input());
        return accept(task, () -> claimKey(task, request))
                .map(Submission::created)
                .onFailure(KeyAlreadyClaimed.class).recoverWithUni(() -> replay(request, mayRetry));
    }

    private Uni<Void> claimKey(TaskRecord task, KeyedRequest request) {
        return keys.claim(request.tenantId(), request.key(), request.fingerprint(), task.id, task.createdAt)
                .invoke(claimed -> {
                    if (!claimed) {
                        throw new KeyAlreadyClaimed();
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Answers with the task the key names. A key that has meanwhile gone (its task was withdrawn)
     * or expired (and is removed here) no longer names a task: the submission is tried once more.
     */
    private Uni<Submission> replay(KeyedRequest request, boolean mayRetry) {
        Instant expiredBefore = now().minus(config.idempotency().window());
        return Panache.withTransaction(() -> keys.find(request.tenantId(), request.key(), expiredBefore)
                        .chain(stored -> taskNamedBy(stored, request, expiredBefore)))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(this::storeUnavailable)
                .chain(task -> task != null ? Uni.createFrom().item(replayed(task)) : retryOnce(request, mayRetry));
    }

    private Uni<TaskRecord> taskNamedBy(IdempotencyKeys.StoredKey stored, KeyedRequest request, Instant expiredBefore) {
        if (stored == null) {
            return Uni.createFrom().nullItem();
        }
        if (stored.expired()) {
            return keys.deleteIfExpired(request.tenantId(), request.key(), expiredBefore).replaceWith((TaskRecord) null);
        }
        if (!stored.requestHash().equals(request.fingerprint())) {
            throw ProblemException.unprocessable("idempotency-key-reused", "this " + IdempotencyKey.HEADER
                    + " was already used for a different request (another type or input); use a new key for a new task");
        }
        return tasks.findForTenant(stored.taskId(), request.tenantId());
    }

    private Submission replayed(TaskRecord task) {
        meters.counter("taskgate.tasks.replayed", "type", task.type).increment();
        return Submission.replayed(TaskViews.of(task, json));
    }

    /** Once only: a key that keeps changing hands under this request is contended, and the client may retry. */
    private Uni<Submission> retryOnce(KeyedRequest request, boolean mayRetry) {
        if (!mayRetry) {
            return Uni.createFrom().failure(ProblemException.conflict("idempotency-key-busy",
                    "another request with this " + IdempotencyKey.HEADER + " is being handled; try again", true));
        }
        return submitOnce(request, false);
    }

    private ProblemException storeUnavailable(Throwable failure) {
        return ProblemException.unavailable("store-unavailable",
                "the task store is unavailable; nothing was accepted, try again", STORE_RETRY_AFTER, failure);
    }

    private TaskRecord newTask(String tenantId, String type, JsonNode input) {
        return TaskRecord.queued(TaskIds.newId(), tenantId, type, input.toString(), now());
    }

    private static String checkedType(SubmitTaskRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("missing-body", "a JSON body with 'type' and 'input' is required");
        }
        if (request.type() == null || request.type().isBlank()) {
            throw ProblemException.badRequest("missing-type", "'type' is required");
        }
        if (!TaskTypeCatalog.isWellFormed(request.type())) {
            throw ProblemException.badRequest("invalid-type",
                    "'type' must be 1-100 characters of a-z, 0-9, '.', '_' or '-', starting with a letter");
        }
        return request.type();
    }

    /** A missing or null input is an empty object, both when stored and when compared for a key. */
    private JsonNode checkedInput(JsonNode input) {
        if (input == null || input.isNull()) {
            return json.createObjectNode();
        }
        if (!input.isObject()) {
            throw ProblemException.badRequest("invalid-input", "'input' must be a JSON object");
        }
        return input;
    }

    /** Microsecond precision, the same as PostgreSQL's, so list cursors match stored values exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A submission that carries an Idempotency-Key, with the fingerprint its key is checked against. */
    private record KeyedRequest(String tenantId, String type, JsonNode input, IdempotencyKey key, String fingerprint) {
    }

    /** Rolls back the insert of a task whose key another submission holds; never leaves this class. */
    private static final class KeyAlreadyClaimed extends RuntimeException {
        KeyAlreadyClaimed() {
            super("idempotency key already claimed", null, false, false);
        }
    }
}
