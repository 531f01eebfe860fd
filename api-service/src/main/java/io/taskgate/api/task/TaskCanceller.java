package io.taskgate.api.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventPublisher;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Cancels a task. A queued task is cancelled here and now. A running task belongs to the worker
 * that holds it, so here the request is only recorded and signalled; that worker stops the task
 * and records CANCELLED. The row is locked while deciding, so a worker starting or finishing the
 * task at the same moment either sees the cancellation or is seen by it.
 */
@ApplicationScoped
public class TaskCanceller {

    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(5);

    /** What a cancel request did. {@code changed} is false when a running task's cancellation was already asked for. */
    public record Cancellation(TaskView task, boolean cancelled, boolean changed) {
    }

    private final TaskRepository tasks;
    private final TaskEventPublisher events;
    private final CancelSignals signals;
    private final RecentViews recent;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public TaskCanceller(TaskRepository tasks, TaskEventPublisher events, CancelSignals signals, RecentViews recent,
            ObjectMapper json) {
        this.tasks = tasks;
        this.events = events;
        this.signals = signals;
        this.recent = recent;
        this.json = json;
    }

    public Uni<Cancellation> cancel(String tenantId, UUID taskId) {
        return Panache.withTransaction(() -> tasks.findById(taskId, LockModeType.PESSIMISTIC_WRITE)
                        .map(task -> decide(task, tenantId, taskId)))
                .onFailure(failure -> !(failure instanceof ProblemException))
                .transform(failure -> ProblemException.unavailable("store-unavailable",
                        "the task store is unavailable; nothing was changed, try again", STORE_RETRY_AFTER, failure))
                .call(this::announce);
    }

    private Cancellation decide(TaskRecord task, String tenantId, UUID taskId) {
        if (task == null || !task.tenantId.equals(tenantId)) {
            throw ProblemException.notFound("no task with id " + taskId);
        }
        Instant now = now();
        if (task.status == TaskStatus.QUEUED) {
            task.moveTo(TaskStatus.CANCELLED, now);
            return new Cancellation(TaskViews.of(task, json), true, true);
        }
        if (task.status == TaskStatus.RUNNING) {
            boolean firstRequest = task.requestCancel(now);
            return new Cancellation(TaskViews.of(task, json), false, firstRequest);
        }
        throw ProblemException.conflict("task-already-finished",
                "task " + taskId + " is already " + task.status + "; a finished task cannot be cancelled", false);
    }

    /**
     * After the commit. Every recorded change raised the task's seq, so each gets an event and
     * subscribers keep a gap-free sequence. A running task's holder is signalled again on a
     * repeated request too, in case the first signal was lost.
     */
    private Uni<Void> announce(Cancellation cancellation) {
        // A poll on this instance right after the answer must not see the view from before it.
        recent.changed(cancellation.task());
        Uni<Void> event = cancellation.changed()
                ? events.publish(TaskEvent.of(TaskEventType.STATUS, cancellation.task()))
                : Uni.createFrom().voidItem();
        return cancellation.cancelled() ? event : event.chain(() -> signals.send(cancellation.task().id()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
