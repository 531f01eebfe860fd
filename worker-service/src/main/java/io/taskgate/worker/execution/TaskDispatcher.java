package io.taskgate.worker.execution;

import io.quarkus.runtime.ShutdownEvent;
import io.taskgate.model.TaskStreamEntry;
import io.taskgate.worker.config.WorkerConfig;
import io.taskgate.worker.stream.DeadLetter;
import io.taskgate.worker.stream.DeadLetterReason;
import io.taskgate.worker.stream.RedisStreamsConnector;
import io.taskgate.worker.stream.StreamEntryMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes the {@code tasks} channel with bounded concurrency: it asks the connector for as many
 * entries as it has free slots, and for one more each time a task finishes. That demand is the
 * backpressure: a worker never holds more entries than it can run.
 *
 * <p>On shutdown it stops asking, lets running tasks finish within the grace period, and leaves
 * whatever is still running to be reclaimed by other workers.
 */
@ApplicationScoped
public class TaskDispatcher {

    private static final Logger LOG = Logger.getLogger(TaskDispatcher.class);

    private final TaskExecutor executor;
    private final WorkerConfig config;
    private final RedisStreamsConnector connector;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final MeterRegistry meters;
    private volatile Flow.Subscription subscription;

    public TaskDispatcher(TaskExecutor executor, WorkerConfig config,
            @Connector(RedisStreamsConnector.NAME) RedisStreamsConnector connector, MeterRegistry meters) {
        this.executor = executor;
        this.config = config;
        this.connector = connector;
        this.meters = meters;
        meters.gauge("taskgate.worker.in.flight", inFlight);
        meters.gauge("taskgate.worker.concurrency", config.concurrency());
    }

    @Incoming("tasks")
    Flow.Subscriber<Message<Map<String, String>>> dispatch() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription granted) {
                subscription = granted;
                granted.request(config.concurrency());
            }

            @Override
            public void onNext(Message<Map<String, String>> message) {
                inFlight.incrementAndGet();
                runOnItsContext(message);
            }

            @Override
            public void onError(Throwable failure) {
                LOG.errorf(failure, "the task channel failed; this worker takes no more tasks");
            }

            @Override
            public void onComplete() {
                LOG.info("the task channel completed");
            }
        };
    }

    /** Tasks taken from the stream and not yet settled. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Runs on the message's own duplicated context (the connector delivers it there). */
    private void runOnItsContext(Message<Map<String, String>> message) {
        StreamEntryMetadata source = message.getMetadata(StreamEntryMetadata.class).orElseThrow();
        TaskStreamEntry entry;
        try {
            entry = TaskStreamEntry.fromFields(message.getPayload());
        } catch (IllegalArgumentException e) {
            // No retry can repair a malformed entry: set it aside for inspection.
            LOG.errorf("malformed stream entry %s: %s", source.entryId(), e.getMessage());
            settle(message.nack(new DeadLetter(DeadLetterReason.MALFORMED_ENTRY, e.getMessage())));
            return;
        }
        // The logging MDC lives in the duplicated context, so every line about this task carries its id.
        MDC.put("taskId", entry.taskId().toString());
        MDC.put("tenantId", entry.tenantId());
        executor.execute(entry, source.entryId(), source.context())
                .subscribe().with(
                        done -> settle(acknowledge(message, entry.type())),
                        failure -> {
                            if (!(failure instanceof DeadLetter)) {
                                LOG.warnf("task %s not finished (%s); its entry stays pending", entry.taskId(),
                                        failure.getMessage());
                            }
                            settle(message.nack(failure));
                        });
    }

    /** The XACK, timed as the last phase of an attempt (see {@link AttemptPhases}). */
    private CompletionStage<Void> acknowledge(Message<?> message, String type) {
        long started = System.nanoTime();
        return message.ack().whenComplete((ignored, failure) -> meters
                .timer(AttemptPhases.METER, "phase", "ack", "type", type)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private void settle(CompletionStage<Void> acknowledgement) {
        acknowledgement.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warnf("acknowledging an entry failed (%s); it will be delivered again", failure.getMessage());
            }
            inFlight.decrementAndGet();
            Flow.Subscription granted = subscription;
            if (!stopping.get() && granted != null) {
                granted.request(1);
            }
        });
    }


    /**
     * SIGTERM: stop taking entries, give running tasks the grace period, then let shutdown go on.
     * Unfinished entries stay pending and are reclaimed by other workers after their claim expires.
     * Blocking is fine here: shutdown observers run on the thread that stops the application.
     */
    void drainOnShutdown(@Observes ShutdownEvent shutdown) {
        stopping.set(true);
        connector.stopReading();
        Instant deadline = Instant.now().plus(config.shutdownGrace());
        while (inFlight.get() > 0 && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(50));
        }
        LOG.infof("stopping with %d task(s) unfinished; they will be reclaimed", inFlight.get());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
