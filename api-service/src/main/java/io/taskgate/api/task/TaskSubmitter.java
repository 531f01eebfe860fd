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
import io.taskgate.model.TaskViews;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Accepts a task: checks the request, then stores the row and appends it to the stream (together
 * with other submits arriving meanwhile, see {@link GroupedSubmits}). The answer goes out only
 * after both, so an accepted task is both durable and on its way to a worker.
 *
 * <p>With an Idempotency-Key the row and the key are stored in one transaction, and only the
 * submission that claimed the key queues its task; every other submission with that key is
 * answered with the task the key already names.
 */
@ApplicationScoped
public class TaskSubmitter {

    private final TaskRepository tasks;
    private final GroupedSubmits submits;
    private final TaskTypeCatalog types;
    private final IdempotencyKeys keys;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final UnfinishedQuota quota;
    private final BacklogMonitor backlog;
    private final Clock clock = Clock.systemUTC();

    public TaskSubmitter(TaskRepository tasks, GroupedSubmits submits, TaskTypeCatalog types, IdempotencyKeys keys,
            ApiConfig config, ObjectMapper json, MeterRegistry meters, UnfinishedQuota quota, BacklogMonitor backlog) {
        this.tasks = tasks;
        this.submits = submits;
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
        KeyedRequest keyed = key.map(k -> new KeyedRequest(tenantId, type, input, k, RequestFingerprint.of(type, input)))
                .orElse(null);
        return types.check(type, input).chain(() -> quota.admit(tenantId))
                .chain(() -> submitOnce(tenantId, type, input, keyed, true));
    }

    /**
     * One attempt to create the task. If another submission holds its key, nothing is stored and
     * the holder's task is the answer.
     */
    private Uni<Submission> submitOnce(String tenantId, String type, JsonNode input, KeyedRequest keyed, boolean mayRetry) {
        TaskRecord task = newTask(tenantId, type, input);
        TaskInserts.KeyClaim claim = keyed == null ? null : new TaskInserts.KeyClaim(keyed.key().value(), keyed.fingerprint());
        return submits.submit(new TaskInserts.NewTask(task, claim)).chain(stored -> {
            if (stored instanceof GroupedSubmits.Accepted accepted) {
                return Uni.createFrom().item(created(accepted.task()));
            }
            if (stored instanceof GroupedSubmits.Refused refused) {
                return Uni.createFrom().failure(refused.problem());
            }
            return replay(keyed, mayRetry);
        });
    }

    private Submission created(TaskRecord stored) {
        meters.counter("taskgate.tasks.submitted", "type", stored.type).increment();
        quota.accepted(stored.tenantId);
        backlog.accepted();
        return Submission.created(TaskViews.of(stored, json));
    }

    /**
     * Answers with the task the key names. A key that has meanwhile gone (its task was withdrawn)
     * or expired (and is removed here) no longer names a task: the submission is tried once more.
     */
    private Uni<Submission> replay(KeyedRequest request, boolean mayRetry) {
        Instant expiredBefore = now().minus(config.idempotency().window());
        return Panache.withTransaction(() -> keys.find(request.tenantId(), request.key(), expiredBefore)
                        .chain(stored -> taskNamedBy(stored, request, expiredBefore)))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(GroupedSubmits::storeUnavailable)
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
        return tasks.findForTenantInSession(stored.taskId(), request.tenantId());
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
        return submitOnce(request.tenantId(), request.type(), request.input(), request, false);
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
        if (containsNul(input)) {
            // PostgreSQL's jsonb cannot hold U+0000, in a value or in a name.
            throw ProblemException.badRequest("invalid-input", "'input' must not contain the character U+0000");
        }
        return input;
    }

    private static boolean containsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\u0000') >= 0;
        }
        if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (field.getKey().indexOf('\u0000') >= 0 || containsNul(field.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Microsecond precision, the same as PostgreSQL's, so list cursors match stored values exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A submission that carries an Idempotency-Key, with the fingerprint its key is checked against. */
    private record KeyedRequest(String tenantId, String type, JsonNode input, IdempotencyKey key, String fingerprint) {
    }
}
