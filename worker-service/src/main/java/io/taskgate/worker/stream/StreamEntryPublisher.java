package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Emits the entries of one Redis stream, read through a consumer group, as messages — never more
 * than the subscriber has asked for. One subscriber at a time.
 *
 * <p>Reads fetch as many entries as the channel's capacity leaves room for ({@link HeldEntries}),
 * in the order {@link ReadOrder} decides, and keep the ones not yet asked for until they are:
 * the messaging layer passes the consumer's demand on one entry at a time, and one read per
 * entry would make reading, not the work, the limit. Held entries are kept alive with a
 * heartbeat (XCLAIM JUSTID resets their idle time) so that they are not taken from a live
 * consumer. Ack is XACK; a nack with {@link DeadLetter} copies the entry to the dead-letter
 * stream and acknowledges it; any other nack leaves the entry pending for a later delivery.
 */
final class StreamEntryPublisher implements Flow.Publisher<Message<Map<String, String>>> {

    private static final Logger LOG = Logger.getLogger(StreamEntryPublisher.class);

    private final StreamChannelSettings settings;
    private final ConsumerGroupCommands commands;
    private final Vertx vertx;
    private final Context root;
    private final HeldEntries<StreamMessage<String, String, String>> held;
    private final ReadOrder order;
    private final AtomicLong demand = new AtomicLong();
    // One thread at a time hands out entries and starts reads; others leave it a note to go again.
    private final AtomicInteger drainRequests = new AtomicInteger();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Nothing is read before the application has fully started: a delivery must not race the
    // start-up of the beans that process it.
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicReference<Flow.Subscriber<? super Message<Map<String, String>>>> subscriber =
            new AtomicReference<>();
    private volatile boolean groupReady;
    private volatile String lastFailure;
    private long heartbeatTimer = -1;
    private final BackgroundLoop reads;
    private final BackgroundLoop heartbeats;

    StreamEntryPublisher(StreamChannelSettings settings, ReactiveRedisDataSource redis, Vertx vertx,
            BackgroundLoops loops) {
        this.settings = settings;
        this.commands = new ConsumerGroupCommands(settings, redis);
        this.vertx = vertx;
        this.root = vertx.getOrCreateContext();
        this.held = new HeldEntries<>(settings.capacity());
        this.order = new ReadOrder(settings.reclaimEvery());
        this.reads = loops.loop("stream-reads:" + settings.channel(), StreamEntryPublisher.class);
        this.heartbeats = loops.loop("stream-heartbeats:" + settings.channel(), StreamEntryPublisher.class);
    }

    StreamChannelSettings settings() {
        return settings;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message<Map<String, String>>> downstream) {
        if (!subscriber.compareAndSet(null, downstream)) {
            downstream.onSubscribe(new NoSubscription());
            downstream.onError(new IllegalStateException("channel " + settings.channel() + " takes one subscriber"));
            return;
        }
        LOG.infof("reading stream %s as %s of group %s", settings.stream(), settings.consumer(), settings.group());
        heartbeatTimer = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> heartbeat());
        downstream.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    downstream.onError(new IllegalArgumentException("request must be positive: " + n));
                    return;
                }
                demand.getAndAccumulate(n, (current, added) -> current + added < 0 ? Long.MAX_VALUE : current + added);
                drain();
            }

            @Override
            public void cancel() {
                stopReading();
            }
        });
    }

    /** No more reads; entries read ahead and not delivered go back to the group to be reclaimed. */
    void stopReading() {
        if (stopped.compareAndSet(false, true)) {
            int released = held.releaseWaiting();
            if (released > 0) {
                LOG.infof("stopped reading %s; %d entries read ahead are left for other consumers", settings.stream(),
                        released);
            }
        }
    }

    /** The application is up: reading may begin (with whatever demand has gathered meanwhile). */
    void startReading() {
        started.set(true);
        drain();
    }

    void close() {
        stopReading();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
    }

    boolean isReading() {
        return groupReady && !stopped.get() && lastFailure == null;
    }

    String describe() {
        return "consumer=" + settings.consumer() + " held=" + held.size() + " readAhead=" + held.waitingCount()
                + (lastFailure == null ? "" : " lastFailure=" + lastFailure);
    }

    /** Hands out entries while there is demand, and reads more when none are left to hand out. */
    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        do {
            deliverWaiting();
            startReadIfWanted();
        } while (drainRequests.decrementAndGet() != 0);
    }

    private void deliverWaiting() {
        while (!stopped.get() && demand.get() > 0) {
            var next = held.next();
            if (next.isEmpty()) {
                return;
            }
            demand.decrementAndGet();
            deliver(next.get());
        }
    }

    private void startReadIfWanted() {
        if (!started.get() || stopped.get() || demand.get() <= 0 || held.hasWaiting()) {
            return;
        }
        int count = Math.min(settings.maxBatch(), held.room());
        if (count <= 0 || !reading.compareAndSet(false, true)) {
            return;
        }
        ensureGroup()
                .chain(() -> read(count))
                .subscribe().with(this::taken, this::onReadFailure);
    }

    private Uni<Void> ensureGroup() {
        return groupReady ? Uni.createFrom().voidItem() : commands.ensureGroup().invoke(() -> groupReady = true);
    }

    private Uni<List<StreamMessage<String, String, String>>> read(int count) {
        ReadOrder.Read next = order.next(Instant.now());
        if (next instanceof ReadOrder.Read.OwnPending own) {
            return commands.ownPending(own.after(), count)
                    .invoke(messages -> order.ownPendingRead(messages.isEmpty() ? null : lastId(messages)));
        }
        if (next instanceof ReadOrder.Read.Reclaim reclaim) {
            return commands.reclaim(reclaim.cursor(), count).chain(claimed -> {
                List<StreamMessage<String, String, String>> live = withoutDeleted(claimed);
                boolean readNew = order.reclaimed(claimed.getId(), live.size(), Instant.now());
                return readNew ? commands.newEntries(count) : Uni.createFrom().item(live);
            });
        }
        return commands.newEntries(count);
    }

    private static String lastId(List<StreamMessage<String, String, String>> messages) {
        return messages.get(messages.size() - 1).id();
    }

    /** An entry trimmed away while pending comes back without fields; acknowledge it and move on. */
    private List<StreamMessage<String, String, String>> withoutDeleted(ClaimedMessages<String, String, String> claimed) {
        List<StreamMessage<String, String, String>> live = new ArrayList<>();
        for (StreamMessage<String, String, String> message : claimed.getMessages()) {
            if (message.payload() == null || message.payload().isEmpty()) {
                commands.acknowledge(message.id()).subscribe().with(ignored -> { }, failure -> { });
            } else {
                LOG.infof("reclaimed entry %s of %s from a silent consumer", message.id(), settings.stream());
                live.add(message);
            }
        }
        return live;
    }

    private void taken(List<StreamMessage<String, String, String>> messages) {
        lastFailure = null;
        reads.succeeded();
        if (!stopped.get()) {
            held.take(messages.stream().map(StreamMessage::id).toList(), messages);
        }
        reading.set(false);
        drain();
    }

    private void deliver(StreamMessage<String, String, String> entry) {
        Context context = VertxContext.createNewDuplicatedContext(root);
        VertxContextSafetyToggle.setContextSafe(context, true);
        Message<Map<String, String>> message = Message.of(new HashMap<>(entry.payload()),
                Metadata.of(new StreamEntryMetadata(settings.stream(), entry.id(), context)),
                () -> ack(entry.id()),
                failure -> nack(entry, failure));
        Flow.Subscriber<? super Message<Map<String, String>>> downstream = subscriber.get();
        context.runOnContext(ignored -> downstream.onNext(message));
    }

    private void onReadFailure(Throwable failure) {
        lastFailure = failure.getMessage();
        if (lastFailure != null && lastFailure.contains("NOGROUP")) {
            // Redis lost the stream or the group (restarted empty, or flushed): create both again.
            groupReady = false;
            order.groupLost();
        }
        if (!stopped.get()) {
            // A read cut short by shutdown closing the Redis client is no outage.
            reads.failed(failure);
        }
        LOG.debugf("reading %s failed (%s); trying again in %s", settings.stream(), lastFailure, settings.retryDelay());
        vertx.setTimer(settings.retryDelay().toMillis(), id -> {
            reading.set(false);
            drain();
        });
    }

    private CompletionStage<Void> ack(String entryId) {
        held.settle(entryId);
        return commands.acknowledge(entryId).subscribeAsCompletionStage();
    }

    private CompletionStage<Void> nack(StreamMessage<String, String, String> entry, Throwable failure) {
        held.settle(entry.id());
        if (failure instanceof DeadLetter deadLetter) {
            return commands.deadLetter(entry, deadLetter.reason().name()).subscribeAsCompletionStage();
        }
        // Left pending: once its idle time passes claimIdle, some consumer reclaims and retries it.
        LOG.debugf("entry %s left pending: %s", entry.id(), failure.getMessage());
        return Uni.createFrom().voidItem().subscribeAsCompletionStage();
    }

    private void heartbeat() {
        List<String> ids = held.ids();
        if (ids.isEmpty()) {
            return;
        }
        commands.keepAlive(Set.copyOf(ids)).subscribe().with(ignored -> heartbeats.succeeded(), heartbeats::failed);
    }

    private static final class NoSubscription implements Flow.Subscription {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }
}
