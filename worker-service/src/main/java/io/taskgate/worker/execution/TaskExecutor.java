package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventSink;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.model.TaskViews;
import io.taskgate.model.health.OutcomeCount;
import io.taskgate.worker.config.RetryPolicies;
import io.taskgate.worker.execution.AttemptPhases.Phase;
import io.taskgate.worker.config.RetryPolicy;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.handler.TaskDeferral;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import io.taskgate.worker.retry.RetryScheduler;
import io.taskgate.worker.stream.DeadLetter;
import io.taskgate.worker.stream.DeadLetterReason;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Runs one delivery of a task: starts an attempt, runs the handler under the type's timeout and
 * the task's cancel switch, and records the outcome — success, failure, a scheduled retry, or
 * cancellation.
 *
 * <p>The returned Uni completes once the outcome is stored (or there was nothing to do); the
 * caller then acknowledges the entry. It fails with {@link DeadLetter} when the task was given up
 * on, and with anything else when the outcome could not be stored — then the entry stays
 * pending and is delivered again, so an outcome that was not stored is never acknowledged.
 */
@ApplicationScoped
public class TaskExecutor {

    private static final Logger LOG = Logger.getLogger(TaskExecutor.class);

    private final TaskLedger store;
    private final TaskEventSink events;
    private final HandlerRegistry handlers;
    private final RetryPolicies policies;
    private final RetryScheduler retries;
    private final RunningTasks running;
    private final OutputStore outputs;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final TypeConcurrency limits;
    private final AttemptPhases phases;
    private final AttemptOutcomes outcomes;

    public TaskExecutor(TaskLedger store, TaskEventSink events, HandlerRegistry handlers, RetryPolicies policies,
            RetryScheduler retries, RunningTasks running, OutputStore outputs, ObjectMapper json, MeterRegistry meters,
            TypeConcurrency limits, AttemptOutcomes outcomes) {
        this.store = store;
        this.events = events;
        this.handlers = handlers;
        this.policies = policies;
        this.retries = retries;
        this.running = running;
        this.outputs = outputs;
        this.json = json;
        this.meters = meters;
        this.limits = limits;
        this.phases = new AttemptPhases(meters);
        this.outcomes = outcomes;
    }

    /** Must be subscribed on {@code context}, a duplicated context of this delivery's own. */
    public Uni<Void> execute(TaskStreamEntry entry, String entryId, Context context) {
        return limits.limit(entry.type(), context, () -> attempt(entry, entryId, context));
    }

    private Uni<Void> attempt(TaskStreamEntry entry, String entryId, Context context) {
        return phases.timed(Phase.CLAIM, entry.type(),
                        () -> store.startAttempt(entry.taskId(), entryId, policies.deliveryLimit(entry.type())))
                .call(start -> start.lastStored() == null ? Uni.createFrom().voidItem()
                        : events.publish(TaskEvent.of(TaskEventType.STATUS, start.lastStored())))
                .chain(start -> {
                    if (start.started()) {
                        return run(entry, new TaskRun(start.task(), context, store, events, json, outputs));
                    }
                    return settledWithoutRunning(start);
                });
    }

    private Uni<Void> settledWithoutRunning(StartResult start) {
        if (start.task() == null) {
            return Uni.createFrom().voidItem();
        }
        return events.publish(TaskEvent.of(TaskEventType.STATUS, TaskViews.of(start.task(), json)))
                .invoke(() -> {
                    if (start.deadLetterReason() != null) {
                        throw new DeadLetter(start.deadLetterReason(), "task " + start.task().id);
                    }
                });
    }

    private Uni<Void> run(TaskStreamEntry entry, TaskRun run) {
        TaskRecord task = run.task();
        RetryPolicy policy = policies.forType(task.type);
        CompletableFuture<Void> cancelSwitch = running.register(task.id);
        Timer.Sample timing = Timer.start(meters);
        String type = task.type;
        // The RUNNING view goes out while the handler starts, not before: a round trip less per task.
        run.announce(publishing -> phases.timed(Phase.ANNOUNCE, type, () -> publishing));
        return phases.timed(Phase.HANDLER, type, () -> firstOf(outcome(task, run, policy),
                        Uni.createFrom().completionStage(cancelSwitch).map(ignored -> (Outcome) new Outcome.Cancelled())))
                .call(run::announced)
                .call(outcome -> phases.timed(Phase.DRAIN, type, run::drainOutput))
                .chain(outcome -> phases.timed(Phase.RECORD, type, () -> run.onContext(() -> record(entry, task, outcome, policy))))
                .onTermination().invoke(() -> running.remove(task.id, cancelSwitch))
                .chain(recorded -> phases.timed(Phase.FINISH, type, () -> run.publish(recorded.task(), TaskEventType.STATUS)
                        .invoke(run::releaseOutput))
                        .invoke(() -> count(task, recorded, timing))
                        .invoke(() -> {
                            if (recorded.deadLetterReason() != null) {
                                throw new DeadLetter(recorded.deadLetterReason(), "task " + task.id);
                            }
                        }));
    }

    /** Whichever comes first: the handler's outcome or the cancel switch. The loser is cancelled, which stops the handler's work. */
    private static Uni<Outcome> firstOf(Uni<Outcome> handlerOutcome, Uni<Outcome> cancelled) {
        return Uni.combine().any().<Outcome>of(handlerOutcome, cancelled);
    }

    /** The handler's result, or the error it failed with; never a failed Uni. */
    private Uni<Outcome> outcome(TaskRecord task, TaskRun run, RetryPolicy policy) {
        TaskHandler handler = handlers.find(task.type).orElse(null);
        if (handler == null) {
            return Uni.createFrom().item(new Outcome.Failed(TaskError.permanent("UNKNOWN_TYPE",
                    "this worker has no handler for task type '" + task.type + "'"), null));
        }
        return Uni.createFrom().deferred(() -> handler.handle(parseInput(task), run))
                .ifNoItem().after(policy.timeout()).fail()
                .map(Outcome::succeeded)
                .onFailure(TaskDeferral.class).recoverWithItem(failure -> new Outcome.Deferred(((TaskDeferral) failure).waitFor()))
                .onFailure().recoverWithItem(failure -> new Outcome.Failed(toError(task, failure, policy),
                        failure instanceof TaskFailure taskFailure ? taskFailure.retryAfter() : null));
    }

    private Uni<Recorded> record(TaskStreamEntry entry, TaskRecord task, Outcome outcome, RetryPolicy policy) {
        int attempt = task.attempts;
        if (outcome instanceof Outcome.Cancelled) {
            return store.cancel(task.id, attempt).map(row -> new Recorded(row, null, OutcomeCount.CANCELLED));
        }
        if (outcome instanceof Outcome.Deferred deferred) {
            Instant due = Instant.now().plus(deferred.delay());
            return store.defer(task.id, attempt, due)
                    .call(row -> row == null || row.status.isFinal() ? Uni.createFrom().voidItem()
                            : retries.schedule(entry, due))
                    .map(row -> new Recorded(row, null, outcomeOf(row, OutcomeCount.DEFERRED)));
        }
        if (outcome instanceof Outcome.Succeeded succeeded) {
            return store.succeed(task.id, attempt, succeeded.result().toString())
                    .map(row -> new Recorded(row, null, outcomeOf(row, OutcomeCount.SUCCEEDED)));
        }
        Outcome.Failed failed = (Outcome.Failed) outcome;
        TaskError error = failed.error();
        if (error.retryable() && policy.allowsAnotherAfter(attempt)) {
            Duration backoff = policy.backoffAfter(attempt, ThreadLocalRandom.current()::nextDouble);
            // An upstream that said when to come back (Retry-After) is not called again sooner.
            if (failed.retryAfter() != null && failed.retryAfter().compareTo(backoff) > 0) {
                backoff = failed.retryAfter();
            }
            Instant due = Instant.now().plus(backoff);
            return store.scheduleRetry(task.id, attempt, error, due)
                    .call(row -> row == null || row.status.isFinal() ? Uni.createFrom().voidItem()
                            : retries.schedule(entry, due))
                    .map(row -> new Recorded(row, null, outcomeOf(row, OutcomeCount.RETRIED)));
        }
        // A retryable failure that ran out of attempts is a task nobody could complete: keep it for inspection.
        DeadLetterReason deadLetter = error.retryable() ? DeadLetterReason.RETRIES_EXHAUSTED : null;
        return store.fail(task.id, attempt, error)
                .map(row -> new Recorded(row, row == null ? null : deadLetter, outcomeOf(row, OutcomeCount.FAILED)));
    }

    private JsonNode parseInput(TaskRecord task) {
        try {
            return json.readTree(task.input);
        } catch (Exception e) {
            throw TaskFailure.invalidInput("stored input is not JSON");
        }
    }

    private TaskError toError(TaskRecord task, Throwable failure, RetryPolicy policy) {
        if (failure instanceof TaskFailure taskFailure) {
            return taskFailure.error();
        }
        if (failure instanceof TimeoutException) {
            return TaskError.transientError("TIMEOUT", "the attempt ran longer than " + policy.timeout());
        }
        LOG.warnf(failure, "handler for %s failed on task %s", task.type, task.id);
        return TaskError.transientError("HANDLER_ERROR", String.valueOf(failure.getMessage()));
    }

    private void count(TaskRecord task, Recorded recorded, Timer.Sample timing) {
        String status = recorded.task() == null ? "superseded" : recorded.task().status.name();
        timing.stop(meters.timer("taskgate.task.duration", "type", task.type, "status", status));
        outcomes.record(task.type, recorded.task() == null ? OutcomeCount.SUPERSEDED : recorded.outcome());
    }

    /** What an attempt came to as stored: a cancellation asked for meanwhile wins over {@code expected}. */
    private static String outcomeOf(TaskRecord row, String expected) {
        return row != null && row.status == TaskStatus.CANCELLED ? OutcomeCount.CANCELLED : expected;
    }

    /**
     * The row after recording an outcome (null if the attempt no longer held the task), whether to
     * dead-letter, and how the attempt ended as {@link AttemptOutcomes} counts it.
     */
    private record Recorded(TaskRecord task, DeadLetterReason deadLetterReason, String outcome) {
    }

    /** What an attempt came to, before it is recorded. */
    private sealed interface Outcome {

        static Outcome succeeded(JsonNode result) {
            return new Succeeded(result == null ? NullNode.getInstance() : result);
        }

        /** The handler's result; JSON null when it gave none. */
        record Succeeded(JsonNode result) implements Outcome {
        }

        /** The handler failed; {@code retryAfter} is how long the upstream asked to be left alone, if it said. */
        record Failed(TaskError error, Duration retryAfter) implements Outcome {
        }

        /** The handler asked to run again later, without counting this attempt as a failure. */
        record Deferred(Duration delay) implements Outcome {
        }

        /** The task's cancellation won the race with the handler. */
        record Cancelled() implements Outcome {
        }
    }
}
