package io.taskgate.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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
import org.jboss.logging.Logger;

/**
 * Accepts a task: checks the request, stores the row, then appends it to the stream. The answer
 * goes out only after both, so an accepted task is both durable and on its way to a worker.
 */
@ApplicationScoped
public class TaskSubmitter {

    private static final Logger LOG = Logger.getLogger(TaskSubmitter.class);
    private static final Duration QUEUE_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(5);

    private final TaskRepository tasks;
    private final TaskQueue queue;
    private final TaskTypeCatalog types;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();

    public TaskSubmitter(TaskRepository tasks, TaskQueue queue, TaskTypeCatalog types, ObjectMapper json,
            MeterRegistry meters) {
        this.tasks = tasks;
        this.queue = queue;
        this.types = types;
        this.json = json;
        this.meters = meters;
    }

    public Uni<TaskView> submit(String tenantId, SubmitTaskRequest request) {
        String type = checkedType(request);
        String input = checkedInput(request.input());
        return types.isKnown(type)
                .invoke(known -> {
                    if (!known) {
                        throw ProblemException.badRequest("unknown-type", "no handler is known for task type '" + type + "'");
                    }
                })
                .chain(() -> store(TaskRecord.queued(TaskIds.newId(), tenantId, type, input, now())))
                .call(this::enqueue)
                .invoke(task -> meters.counter("taskgate.tasks.submitted", "type", task.type).increment())
                .map(task -> TaskViews.of(task, json));
    }

    private Uni<TaskRecord> store(TaskRecord task) {
        return Panache.withTransaction(() -> tasks.persist(task))
                .onFailure().transform(failure -> ProblemException.unavailable("store-unavailable",
                        "the task store is unavailable; nothing was accepted, try again", STORE_RETRY_AFTER, failure));
    }

    /**
     * The row is committed before the entry is written, so a worker never reads an entry whose
     * row it cannot see yet. If the stream refuses the entry, the row is removed again and the
     * caller is told to retry: no task is accepted that no worker will ever see.
     */
    private Uni<String> enqueue(TaskRecord task) {
        return queue.enqueue(new TaskStreamEntry(task.id, task.tenantId, task.type))
                .onFailure().call(failure -> {
                    LOG.warnf(failure, "could not queue task %s; withdrawing it", task.id);
                    return Panache.withTransaction(() -> tasks.deleteIfStillQueued(task.id))
                            .onFailure().invoke(e -> LOG.errorf(e, "could not withdraw unqueued task %s", task.id))
                            .onFailure().recoverWithNull();
                })
                .onFailure().transform(failure -> ProblemException.unavailable("queue-unavailable",
                        "the task queue is unavailable; nothing was accepted, try again", QUEUE_RETRY_AFTER, failure));
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

    private String checkedInput(JsonNode input) {
        if (input == null || input.isNull()) {
            return "{}";
        }
        if (!input.isObject()) {
            throw ProblemException.badRequest("invalid-input", "'input' must be a JSON object");
        }
        return input.toString();
    }

    /** Microsecond precision, the same as PostgreSQL's, so list cursors match stored values exactly. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
