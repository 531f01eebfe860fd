package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventSink;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import io.taskgate.worker.handler.TaskContext;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One attempt of one task, bound to its own duplicated Vert.x context. Database work for the
 * attempt always runs on that context, because Hibernate Reactive keeps its session there;
 * whatever thread a handler resumes on, the calls below hop back first.
 */
final class TaskRun implements TaskContext {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TaskRun.class);

    private final TaskRecord task;
    private final Context context;
    private final Executor onContext;
    private final TaskLedger store;
    private final TaskEventSink events;
    private final ObjectMapper json;
    private final OutputStore outputs;
    private volatile TaskView lastView;
    private volatile boolean producedOutput;
    private final CompletableFuture<Void> announced = new CompletableFuture<>();
    private final CoalescedOutput output;
    private final CoalescedProgress progress;

    TaskRun(TaskRecord task, Context context, TaskLedger store, TaskEventSink events, ObjectMapper json,
            OutputStore outputs) {
        this.task = task;
        this.context = context;
        this.onContext = command -> context.runOnContext(ignored -> command.run());
        this.store = store;
        this.events = events;
        this.json = json;
        this.outputs = outputs;
        this.output = new CoalescedOutput(context.owner(), this::sendOutput);
        io.vertx.core.Vertx vertx = context.owner();
        this.progress = new CoalescedProgress(new CoalescedProgress.Timers() {
            @Override
            public long schedule(long millis, Runnable action) {
                return vertx.setTimer(millis, id -> action.run());
            }

            @Override
            public boolean cancel(long handle) {
                return vertx.cancelTimer(handle);
            }
        }, System::nanoTime, this::writeProgress);
    }

    @Override
    public UUID taskId() {
        return task.id;
    }

    @Override
    public String tenantId() {
        return task.tenantId;
    }

    @Override
    public int attempt() {
        return task.attempts;
    }

    /**
     * Hands the value to the coalescer, which stores and pushes the latest one at most every
     * {@link CoalescedProgress#SPACING}. Answers at once: a handler reporting from a loop must not
     * wait for a database write per report.
     */
    @Override
    public Uni<Void> progress(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            return Uni.createFrom().failure(new IllegalArgumentException("progress must be within 0..1: " + fraction));
        }
        progress.report(fraction);
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> writeProgress(double fraction) {
        return announced().chain(() -> onContext(() -> store.recordProgress(task.id, task.attempts, fraction)))
                .chain(updated -> publish(updated, TaskEventType.PROGRESS))
                // A lost progress write costs nothing lasting: the next one, or the outcome, carries the state.
                .onFailure().invoke(failure -> LOG.debugf(failure, "progress of task %s not recorded", task.id))
                .onFailure().recoverWithNull();
    }

    /**
     * Hands the chunk to the coalescer, which buffers and pushes it within a few milliseconds,
     * together with whatever else arrived meanwhile. No database write: output can come many
     * times a second, and its order is kept by the buffer index instead of the row's sequence.
     */
    @Override
    public Uni<Void> output(String chunk) {
        if (chunk != null && !chunk.isEmpty()) {
            producedOutput = true;
            output.add(chunk);
        }
        return Uni.createFrom().voidItem();
    }

    /** Completes once every piece of output and the latest progress handed in so far have been stored and pushed. */
    Uni<Void> drainOutput() {
        return output.drain().chain(progress::drain);
    }

    /**
     * After the outcome is published: lets the attempt's kept output expire soon, if it kept any.
     * Nothing waits for it, the acknowledgement and the slot's next task least of all.
     */
    void releaseOutput() {
        if (!producedOutput) {
            return;
        }
        // Lost with Redis: the pieces then expire on their own, only later.
        outputs.release(task.id, task.attempts).subscribe().with(ignored -> { },
                failure -> LOG.debugf(failure, "output of task %s not released", task.id));
    }

    /**
     * Publishes the attempt's RUNNING view, through {@code timing}, without waiting for it.
     * Output and progress go out only once it has, and the caller waits for {@link #announced}
     * before the outcome, so every subscriber still sees RUNNING first.
     */
    void announce(UnaryOperator<Uni<Void>> timing) {
        timing.apply(publish(task, TaskEventType.STATUS)).subscribe().with(
                ignored -> announced.complete(null), failure -> announced.complete(null));
    }

    /** Completes once the RUNNING view has been published (or its publish failed). */
    Uni<Void> announced() {
        return Uni.createFrom().completionStage(announced);
    }

    private Uni<Void> sendOutput(String piece, int index) {
        // Lost with Redis, like any event: the stored result carries the whole output.
        return announced().chain(() -> outputs.keepAndAnnounce(TaskEvent.output(lastView(), piece, index)))
                .onFailure().invoke(failure -> LOG.debugf(failure, "output of task %s not kept", task.id))
                .onFailure().recoverWithNull();
    }

    @Override
    public Uni<Void> sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> {
            long timer = context.owner().setTimer(duration.toMillis(),
                    id -> context.runOnContext(ignored -> emitter.complete(null)));
            // A cancelled task must not leave its timers behind.
            emitter.onTermination(() -> context.owner().cancelTimer(timer));
        });
    }

    /** Runs {@code work} on this attempt's context, whichever thread asks. */
    <T> Uni<T> onContext(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().<T>deferred(work).runSubscriptionOn(onContext);
    }

    /** Publishes the change if the store made one; a null row means the task moved on without us. */
    TaskRecord task() {
        return task;
    }

    Uni<Void> publish(TaskRecord updated, TaskEventType type) {
        if (updated == null) {
            return Uni.createFrom().voidItem();
        }
        TaskView view = TaskViews.of(updated, json);
        lastView = view;
        return events.publish(TaskEvent.of(type, view));
    }

    /** The view as last stored by this attempt; output events carry it. */
    private TaskView lastView() {
        return lastView != null ? lastView : TaskViews.of(task, json);
    }
}
