package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskViews;
import io.taskgate.worker.handler.TaskContext;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One attempt of one task, bound to its own duplicated Vert.x context. Database work for the
 * attempt always runs on that context, because Hibernate Reactive keeps its session there;
 * whatever thread a handler resumes on, the calls below hop back first.
 */
final class TaskRun implements TaskContext {

    private final TaskRecord task;
    private final Context context;
    private final Executor onContext;
    private final TaskStore store;
    private final TaskEventPublisher events;
    private final ObjectMapper json;

    TaskRun(TaskRecord task, Context context, TaskStore store, TaskEventPublisher events, ObjectMapper json) {
        this.task = task;
        this.context = context;
        this.onContext = command -> context.runOnContext(ignored -> command.run());
        this.store = store;
        this.events = events;
        this.json = json;
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

    @Override
    public Uni<Void> progress(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            return Uni.createFrom().failure(new IllegalArgumentException("progress must be within 0..1: " + fraction));
        }
        return onContext(() -> store.recordProgress(task.id, task.attempts, fraction))
                .chain(updated -> publish(updated, TaskEventType.PROGRESS, null));
    }

    @Override
    public Uni<Void> output(String chunk) {
        return onContext(() -> store.recordOutput(task.id, task.attempts))
                .chain(updated -> publish(updated, TaskEventType.OUTPUT, chunk));
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

    Uni<Void> publish(TaskRecord updated, TaskEventType type, String output) {
        if (updated == null) {
            return Uni.createFrom().voidItem();
        }
        var view = TaskViews.of(updated, json);
        TaskEvent event = output == null ? TaskEvent.of(type, view) : TaskEvent.output(view, output);
        return events.publish(event);
    }
}
