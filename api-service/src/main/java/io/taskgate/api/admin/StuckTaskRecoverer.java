package io.taskgate.api.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.task.RecentViews;
import io.taskgate.api.task.TaskQueue;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventPublisher;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.model.TaskView;
import io.taskgate.model.TaskViews;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Requeues or fails stuck tasks, one at a time, each in its own transaction. Each task is
 * re-checked under its row lock first: it may have moved on since it was listed (its worker came
 * back, a worker picked it up), and then it is left alone. Redis is written only after the
 * commit, as on submit, so a worker never reads an entry for a row it cannot see as queued.
 */
@ApplicationScoped
public class StuckTaskRecoverer {

    private static final Logger LOG = Logger.getLogger(StuckTaskRecoverer.class);
    static final String STUCK_ERROR_CODE = "STUCK";

    private final StuckTaskRepository tasks;
    private final TaskQueue queue;
    private final TaskEventPublisher events;
    private final RecentViews recent;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public StuckTaskRecoverer(StuckTaskRepository tasks, TaskQueue queue, TaskEventPublisher events,
            RecentViews recent, ApiConfig config, ObjectMapper json) {
        this.tasks = tasks;
        this.queue = queue;
        this.events = events;
        this.recent = recent;
        this.config = config;
        this.json = json;
    }

    /** One result per id, in order; one task's failure does not stop the others. */
    public Uni<RecoveryReport> recover(RecoveryAction action, List<UUID> taskIds) {
        return Multi.createFrom().iterable(taskIds)
                .onItem().transformToUniAndConcatenate(id -> recoverOne(action, id))
                .collect().asList()
                .map(RecoveryReport::new);
    }

    private Uni<RecoveryResult> recoverOne(RecoveryAction action, UUID taskId) {
        return Panache.withTransaction(() -> tasks.findById(taskId, LockModeType.PESSIMISTIC_WRITE)
                        .map(task -> apply(action, task, taskId)))
                .chain(this::afterCommit)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "could not %s stuck task %s", action.wireName(), taskId);
                    return new RecoveryResult(taskId, RecoveryResult.Outcome.ERROR,
                            "could not " + action.wireName() + " the task: " + failure.getMessage());
                });
    }

    /** Decides and changes the locked row; what Redis must hear of it is done after the commit. */
    private Applied apply(RecoveryAction action, TaskRecord task, UUID taskId) {
        if (task == null) {
            return Applied.nothing(new RecoveryResult(taskId, RecoveryResult.Outcome.NOT_FOUND, "no task with this id"));
        }
        Instant now = now();
        var reason = StuckCriteria.at(now, config.admin()).reasonFor(task);
        if (reason.isEmpty()) {
            return Applied.nothing(new RecoveryResult(taskId, RecoveryResult.Outcome.NOT_STUCK,
                    "the task is " + task.status + " and not stuck; nothing was changed"));
        }
        return action == RecoveryAction.REQUEUE ? requeue(task, now) : fail(task, reason.get(), now);
    }

    private Applied requeue(TaskRecord task, Instant now) {
        // The old delivery no longer holds the task: the entry written below starts the next attempt.
        boolean wasRunning = task.requeue(now);
        return new Applied(new RecoveryResult(task.id, RecoveryResult.Outcome.REQUEUED,
                wasRunning ? "moved from RUNNING back to QUEUED and put on the stream" : "put on the stream again"),
                task, wasRunning);
    }

    private Applied fail(TaskRecord task, StuckReason reason, Instant now) {
        if (!task.status.canMoveTo(TaskStatus.FAILED)) {
            // The lifecycle (shared-model TaskStatus) decides; the status is never forced past it.
            return Applied.nothing(new RecoveryResult(task.id, RecoveryResult.Outcome.ERROR, "a " + task.status
                    + " task cannot move to FAILED under the task lifecycle; requeue or cancel it instead"));
        }
        task.fail(TaskError.permanent(STUCK_ERROR_CODE,
                "failed by an operator: " + reason + " since " + StuckCriteria.since(task)), now);
        return new Applied(new RecoveryResult(task.id, RecoveryResult.Outcome.FAILED, "recorded as FAILED (STUCK)"),
                task, true);
    }

    private Uni<RecoveryResult> afterCommit(Applied applied) {
        if (applied.task() == null) {
            return Uni.createFrom().item(applied.result());
        }
        TaskRecord task = applied.task();
        TaskView view = TaskViews.of(task, json);
        recent.changed(view);
        Uni<Void> event = applied.statusChanged()
                ? events.publish(TaskEvent.of(TaskEventType.STATUS, view))
                : Uni.createFrom().voidItem();
        if (applied.result().outcome() != RecoveryResult.Outcome.REQUEUED) {
            return event.replaceWith(applied.result());
        }
        return event.chain(() -> queue.enqueue(new TaskStreamEntry(task.id, task.tenantId, task.type)))
                .replaceWith(applied.result())
                .onFailure().recoverWithItem(failure -> new RecoveryResult(task.id, RecoveryResult.Outcome.ERROR,
                        "marked QUEUED, but the stream refused the entry (" + failure.getMessage()
                                + "); it will be reported stuck again"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The outcome for one task, and the committed row when Redis must hear of it. */
    private record Applied(RecoveryResult result, TaskRecord task, boolean statusChanged) {
        static Applied nothing(RecoveryResult result) {
            return new Applied(result, null, false);
        }
    }
}
