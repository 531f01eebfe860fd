package io.taskgate.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.TaskError;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventSink;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.worker.config.RetryPolicies;
import io.taskgate.worker.config.RetryPolicy;
import io.taskgate.worker.handler.HandlerRegistry;
import io.taskgate.worker.handler.TaskContext;
import io.taskgate.worker.handler.TaskDeferral;
import io.taskgate.worker.handler.TaskFailure;
import io.taskgate.worker.handler.TaskHandler;
import io.taskgate.worker.stream.DeadLetter;
import io.taskgate.worker.stream.DeadLetterReason;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way an attempt can end, run through the real executor against an in-memory ledger. */
class TaskExecutorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy THREE_ATTEMPTS =
            new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.0, Duration.ofMinutes(1));
    private static Vertx vertx;

    private final InMemoryLedger ledger = new InMemoryLedger();
    private final List<TaskEvent> events = new CopyOnWriteArrayList<>();
    private final List<Instant> scheduled = new CopyOnWriteArrayList<>();
    private final RunningTasks running = new RunningTasks();
    private final AttemptOutcomes outcomes = new AttemptOutcomes(Duration.ofMinutes(5));
    /** Pieces kept go to {@link #events} like any event; releases are noted there too, in order. */
    private final List<String> released = new CopyOnWriteArrayList<>();
    private final OutputStore outputs = new OutputStore() {
        @Override
        public Uni<Void> keepAndAnnounce(TaskEvent announcement) {
            events.add(announcement);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> release(UUID taskId, int attempt) {
            released.add(taskId + ":" + attempt + " after " + events.size() + " events");
            return Uni.createFrom().voidItem();
        }
    };

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aResultIsRecordedAndItsChangesPublished() {
        TaskRecord task = ledger.add("t", "{\"n\":1}");
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().item(json("{\"ok\":true}")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(row.result).isEqualTo("{\"ok\":true}");
        assertThat(statuses()).containsExactly(TaskStatus.RUNNING, TaskStatus.SUCCEEDED);
        assertThat(outcomes()).containsExactly("t succeeded 1");
    }

    @Test
    void anAttemptThatKeptOutputReleasesItOnceItsOutcomeIsPublished() {
        TaskRecord task = ledger.add("t", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> ctx.output("tok").replaceWith(json("{\"text\":\"tok\"}")))).join();

        // RUNNING, the piece, SUCCEEDED: the release comes after all three.
        assertThat(events).hasSize(3);
        assertThat(released).containsExactly(task.id + ":1 after 3 events");
    }

    @Test
    void anAttemptWithoutOutputHasNothingToRelease() {
        TaskRecord task = ledger.add("t", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().item(json("{}")))).join();

        assertThat(ledger.row(task.id).status).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(released).isEmpty();
    }

    @Test
    void aRetryableFailureIsRetriedNoSoonerThanTheUpstreamAsked() {
        TaskRecord task = ledger.add("t", "{}");
        Instant before = Instant.now();
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().failure(new TaskFailure(
                TaskError.transientError("RATE_LIMITED", "slow down"), Duration.ofMinutes(10))))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.errorCode).isEqualTo("RATE_LIMITED");
        // The policy's own backoff is 1 s; Retry-After's 10 minutes wins.
        assertThat(row.nextAttemptAt).isAfterOrEqualTo(before.plus(Duration.ofMinutes(10)));
        assertThat(scheduled).containsExactly(row.nextAttemptAt);
        assertThat(outcomes()).containsExactly("t retried 1");
    }

    @Test
    void withoutRetryAfterTheRetryWaitsThePolicysBackoff() {
        TaskRecord task = ledger.add("t", "{}");
        Instant before = Instant.now();
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().failure(new RuntimeException("boom")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.errorCode).isEqualTo("HANDLER_ERROR");
        assertThat(row.nextAttemptAt).isBetween(before.plusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(scheduled).hasSize(1);
    }

    @Test
    void aRetryableFailureOnTheLastAttemptFailsTheTaskAndDeadLettersItsEntry() {
        TaskRecord task = ledger.add("t", "{}");
        ledger.setAttempts(task.id, 2);
        CompletableFuture<Void> done = run(task, THREE_ATTEMPTS,
                handler(ctx -> Uni.createFrom().failure(new TaskFailure(TaskError.transientError("DOWN", "down")))));

        assertThatThrownBy(done::join).hasCauseInstanceOf(DeadLetter.class)
                .cause().extracting(failure -> ((DeadLetter) failure).reason())
                .isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.FAILED);
        assertThat(row.attempts).isEqualTo(3);
        assertThat(scheduled).isEmpty();
        assertThat(statuses()).containsExactly(TaskStatus.RUNNING, TaskStatus.FAILED);
        assertThat(outcomes()).containsExactly("t failed 1");
    }

    @Test
    void aPermanentFailureFailsTheTaskAtOnceWithoutADeadLetter() {
        TaskRecord task = ledger.add("t", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().failure(TaskFailure.invalidInput("no prompt")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.FAILED);
        assertThat(row.errorRetryable).isFalse();
        assertThat(row.attempts).isEqualTo(1);
        assertThat(scheduled).isEmpty();
    }

    @Test
    void aDeferralQueuesTheTaskAgainWithoutAnError() {
        TaskRecord task = ledger.add("t", "{}");
        Instant before = Instant.now();
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().failure(
                new TaskDeferral(Duration.ofSeconds(30), "upstream busy")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.errorCode).isNull();
        assertThat(row.nextAttemptAt).isAfterOrEqualTo(before.plusSeconds(30));
        assertThat(ledger.calls).contains("defer").doesNotContain("retry");
        assertThat(scheduled).containsExactly(row.nextAttemptAt);
        assertThat(outcomes()).containsExactly("t deferred 1");
    }

    @Test
    void aCancellationWinsOverAHandlerStillWorking() {
        TaskRecord task = ledger.add("t", "{}");
        CompletableFuture<Void> done = run(task, THREE_ATTEMPTS, handler(ctx -> ctx.sleep(Duration.ofHours(1))
                .replaceWith(json("{\"late\":true}"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> running.ids().contains(task.id));

        assertThat(running.cancel(task.id)).isTrue();
        done.join();
        assertThat(ledger.row(task.id).status).isEqualTo(TaskStatus.CANCELLED);
        assertThat(running.ids()).doesNotContain(task.id);
        assertThat(outcomes()).containsExactly("t cancelled 1");
    }

    @Test
    void anAttemptOverItsTimeoutIsARetryableTimeout() {
        TaskRecord task = ledger.add("t", "{}");
        RetryPolicy quick = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.0,
                Duration.ofMillis(100));
        run(task, quick, handler(ctx -> ctx.sleep(Duration.ofHours(1)).replaceWith(json("{}")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.errorCode).isEqualTo("TIMEOUT");
        assertThat(row.errorRetryable).isTrue();
    }

    @Test
    void anAttemptThatNoLongerHoldsItsTaskRecordsNothing() {
        TaskRecord task = ledger.add("t", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> {
            ledger.supersede(task.id);
            return Uni.createFrom().item(json("{\"stale\":true}"));
        })).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.result).isNull();
        assertThat(statuses()).containsExactly(TaskStatus.RUNNING);
        assertThat(outcomes()).containsExactly("t superseded 1");
    }

    @Test
    void aTypeWithoutAHandlerFailsPermanently() {
        TaskRecord task = ledger.add("nobody-runs-this", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().item(json("{}")))).join();

        TaskRecord row = ledger.row(task.id);
        assertThat(row.status).isEqualTo(TaskStatus.FAILED);
        assertThat(row.errorCode).isEqualTo("UNKNOWN_TYPE");
    }

    @Test
    void aFinishedTaskDeliveredAgainIsNotRunButItsFinalViewIsPublishedAgain() {
        TaskRecord task = ledger.add("t", "{}");
        run(task, THREE_ATTEMPTS, handler(ctx -> Uni.createFrom().item(json("{\"ok\":1}")))).join();
        events.clear();
        List<String> runs = new CopyOnWriteArrayList<>();

        run(task, THREE_ATTEMPTS, handler(ctx -> {
            runs.add("ran");
            return Uni.createFrom().item(json("{}"));
        })).join();

        assertThat(runs).isEmpty();
        assertThat(ledger.row(task.id).attempts).isEqualTo(1);
        assertThat(statuses()).containsExactly(TaskStatus.SUCCEEDED);
    }

    @Test
    void theHandlerStartsWhileRunningIsPublishedYetEverySubscriberSeesRunningFirst() {
        TaskRecord task = ledger.add("t", "{}");
        AtomicBoolean startedBeforeRunningWasOut = new AtomicBoolean();
        // RUNNING takes 200 ms to reach Redis; the handler's output and progress come at once.
        TaskEventSink slowRunning = event -> {
            Uni<Void> publishing = Uni.createFrom().voidItem().invoke(() -> events.add(event));
            return event.task().status() == TaskStatus.RUNNING
                    ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(200)).chain(() -> publishing)
                    : publishing;
        };

        run(task, THREE_ATTEMPTS, handler(ctx -> {
            startedBeforeRunningWasOut.set(events.isEmpty());
            return ctx.output("tok").chain(() -> ctx.progress(0.5)).replaceWith(json("{}"));
        }), slowRunning).join();

        assertThat(startedBeforeRunningWasOut).isTrue();
        // Output and progress are coalesced apart, so their order between themselves is free.
        assertThat(events).hasSize(4);
        assertThat(events.get(0).type()).isEqualTo(TaskEventType.STATUS);
        assertThat(events.get(3).type()).isEqualTo(TaskEventType.STATUS);
        assertThat(events.subList(1, 3)).extracting(TaskEvent::type)
                .containsExactlyInAnyOrder(TaskEventType.OUTPUT, TaskEventType.PROGRESS);
        assertThat(statuses()).startsWith(TaskStatus.RUNNING).endsWith(TaskStatus.SUCCEEDED);
    }

    private CompletableFuture<Void> run(TaskRecord task, RetryPolicy policy, TaskHandler handler) {
        return run(task, policy, handler, event -> {
            events.add(event);
            return Uni.createFrom().voidItem();
        });
    }

    private CompletableFuture<Void> run(TaskRecord task, RetryPolicy policy, TaskHandler handler, TaskEventSink sink) {
        TaskExecutor executor = new TaskExecutor(ledger, sink, HandlerRegistry.of(handler), new RetryPolicies(type -> policy, 10), (entry, dueAt) -> {
            scheduled.add(dueAt);
            return Uni.createFrom().voidItem();
        }, running, outputs, JSON, new SimpleMeterRegistry(),
                new TypeConcurrency(type -> Optional.empty()), outcomes);
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(ignored -> executor.execute(new TaskStreamEntry(task.id, task.tenantId, task.type), "1-0", context)
                .subscribe().with(done::complete, done::completeExceptionally));
        return done.orTimeout(10, TimeUnit.SECONDS);
    }

    private static TaskHandler handler(Function<TaskContext, Uni<JsonNode>> body) {
        return new TaskHandler() {
            @Override
            public String type() {
                return "t";
            }

            @Override
            public Uni<JsonNode> handle(JsonNode input, TaskContext context) {
                return body.apply(context);
            }
        };
    }

    /** How the attempts ended as the worker's report counts them: "type outcome count". */
    private List<String> outcomes() {
        return outcomes.recent().stream().map(count -> count.type() + " " + count.outcome() + " " + count.count()).toList();
    }

    private List<TaskStatus> statuses() {
        return events.stream().map(event -> event.task().status()).toList();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
