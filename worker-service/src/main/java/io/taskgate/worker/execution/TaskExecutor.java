package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs one task from a stream entry: marks it RUNNING, runs its handler, records the outcome.
 * The returned Uni completes only once the outcome is stored (or there is nothing to do), and
 * fails if the database could not be written: the caller acknowledges the entry on completion
 * and leaves it pending on failure, so an outcome that was not stored is never acknowledged.
 */
@ApplicationScoped
public class TaskExecutor {

    private static final Logger LOG = Logger.getLogger(TaskExecutor.class);

    private final TaskStore store;
    private final TaskEventPublisher events;
    private final HandlerRegistry handlers;
    private final WorkerConfig config;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public TaskExecutor(TaskStore store, TaskEventPublisher events, HandlerRegistry handlers, WorkerConfig config,
            ObjectMapper json, MeterRegistry meters) {
        this.store = store;
        this.events = events;
        this.handlers = handlers;
        this.config = config;
        this.json = json;
        this.meters = meters;
    }

    /** Must be subscribed on {@code context}, a duplicated context of this task's own. */
    public Uni<Void> execute(TaskStreamEntry entry, Context context) {
        return store.startAttempt(entry.taskId())
                .chain(started -> started == null ? skip(entry) : run(started, context));
    }

    private Uni<Void> skip(TaskStreamEntry entry) {
        LOG.debugf("task %s is gone or already settled; nothing to run", entry.taskId());
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> run(TaskRecord task, Context context) {
        TaskRun run = new TaskRun(task, context, store, events, json);
        Timer.Sample timing = Timer.start(meters);
        return run.publish(task, TaskEventType.STATUS, null)
                .chain(() -> outcome(task, run))
                .chain(outcome -> run.onContext(() -> record(task, outcome)))
                .chain(recorded -> run.publish(recorded, TaskEventType.STATUS, null)
                        .invoke(() -> count(task, recorded, timing)));
    }

    /** The handler's result, or the error it failed with; never a failed Uni. */
    private Uni<Outcome> outcome(TaskRecord task, TaskRun run) {
        TaskHandler handler = handlers.find(task.type).orElse(null);
        if (handler == null) {
            return Uni.createFrom().item(Outcome.failed(TaskError.permanent("UNKNOWN_TYPE",
                    "this worker has no handler for task type '" + task.type + "'")));
        }
        return Uni.createFrom().deferred(() -> handler.handle(parseInput(task), run))
                .ifNoItem().after(config.taskTimeout()).fail()
                .map(Outcome::succeeded)
                .onFailure().recoverWithItem(failure -> Outcome.failed(toError(task, failure)));
    }

    private Uni<TaskRecord> record(TaskRecord task, Outcome outcome) {
        return outcome.error() == null
                ? store.succeed(task.id, outcome.result() == null ? "null" : outcome.result().toString())
                : store.fail(task.id, outcome.error());
    }

    private JsonNode parseInput(TaskRecord task) {
        try {
            return json.readTree(task.input);
        } catch (Exception e) {
            throw TaskFailure.invalidInput("stored input is not JSON");
        }
    }

    private TaskError toError(TaskRecord task, Throwable failure) {
        if (failure instanceof TaskFailure taskFailure) {
            return taskFailure.error();
        }
        if (failure instanceof TimeoutException) {
            return TaskError.transientError("TIMEOUT", "the attempt ran longer than " + config.taskTimeout());
        }
        LOG.warnf(failure, "handler for %s failed on task %s", task.type, task.id);
        return TaskError.transientError("HANDLER_ERROR", String.valueOf(failure.getMessage()));
    }

    private void count(TaskRecord task, TaskRecord recorded, Timer.Sample timing) {
        String status = recorded == null ? "superseded" : recorded.status.name();
        timing.stop(meters.timer("taskgate.task.duration", "type", task.type, "status", status));
    }

    private record Outcome(JsonNode result, TaskError error) {
        static Outcome succeeded(JsonNode result) {
            return new Outcome(result == null ? JsonNodeFactory.instance.nullNode() : result, null);
        }

        static Outcome failed(TaskError error) {
            return new Outcome(null, error);
        }
    }
}
