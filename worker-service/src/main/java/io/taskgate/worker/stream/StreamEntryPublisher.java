package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XClaimArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XPendingArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Emits the entries of one Redis stream, read through a consumer group, as messages — never more
 * than the subscriber has asked for. One subscriber at a time.
 *
 * <p>Reading order on each turn: entries abandoned by dead consumers (XAUTOCLAIM, every
 * {@code reclaimEvery}); at start, this consumer's own unacknowledged entries from a previous
 * run (id {@code 0}); then new entries ({@code >}). Entries being processed are kept alive with
 * a heartbeat (XCLAIM JUSTID, which resets their idle time) so that they are not taken from a
 * live consumer. Ack is XACK; a nack with {@link DeadLetter} copies the entry to the dead-letter
 * stream and acknowledges it; any other nack leaves the entry pending for a later delivery.
 */
final class StreamEntryPublisher implements Flow.Publisher<Message<Map<String, String>>> {

    private static final Logger LOG = Logger.getLogger(StreamEntryPublisher.class);
    private static final String OWN_PENDING = "0";
    private static final String NEW_ENTRIES = ">";
    private static final int DEAD_LETTER_MAX_LENGTH = 100_000;

    private final StreamChannelSettings settings;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final Vertx vertx;
    private final Context root;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Nothing is read before the application has fully started: a delivery must not race the
    // start-up of the beans that process it.
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicReference<Flow.Subscriber<? super Message<Map<String, String>>>> subscriber =
            new AtomicReference<>();
    // Entries delivered here and not yet settled. An entry is never delivered twice at once: if
    // Redis hands back one that is still being processed, it is skipped (see emitAll).
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile String readFrom = OWN_PENDING;
    private volatile boolean groupReady;
    private volatile Instant nextReclaim = Instant.EPOCH;
    private volatile String reclaimCursor = "0-0";
    private volatile String lastFailure;
    private long heartbeatTimer = -1;
    private final BackgroundLoop reads;
    private final BackgroundLoop heartbeats;

    StreamEntryPublisher(StreamChannelSettings settings, ReactiveRedisDataSource redis, Vertx vertx,
            BackgroundLoops loops) {
        this.settings = settings;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.vertx = vertx;
        this.root = vertx.getOrCreateContext();
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
                pump();
            }

            @Override
            public void cancel() {
                stopReading();
            }
        });
    }

    void stopReading() {
        stopped.set(true);
    }

    /** The application is up: reading may begin (with whatever demand has gathered meanwhile). */
    void startReading() {
        started.set(true);
        pump();
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
        return "consumer=" + settings.consumer() + " inFlight=" + inFlight.size()
                + (lastFailure == null ? "" : " lastFailure=" + lastFailure);
    }

    /** Starts one read if there is demand and no read is outstanding; runs again when either changes. */
    private void pump() {
        long wanted = Math.min(demand.get(), settings.maxBatch());
        if (!started.get() || stopped.get() || wanted <= 0 || !reading.compareAndSet(false, true)) {
            return;
        }
        ensureGroup()
                .chain(() -> read((int) wanted))
                .subscribe().with(this::emitAll, this::onReadFailure);
    }

    private Uni<List<StreamMessage<String, String, String>>> read(int count) {
        // This consumer's own leftovers come first: reclaiming before them would claim entries
        // that the own-pending read then hands out a second time.
        if (NEW_ENTRIES.equals(readFrom) && Instant.now().isAfter(nextReclaim)) {
            return reclaim(count).chain(claimed -> claimed.isEmpty() ? readGroup(count) : Uni.createFrom().item(claimed));
        }
        return readGroup(count);
    }

    private Uni<List<StreamMessage<String, String, String>>> readGroup(int count) {
        String from = readFrom;
        XReadGroupArgs args = new XReadGroupArgs().count(count);
        if (NEW_ENTRIES.equals(from)) {
            args.block(settings.block());
        }
        return streams.xreadgroup(settings.group(), settings.consumer(), settings.stream(), from, args)
                .map(messages -> messages == null ? List.<StreamMessage<String, String, String>>of() : messages)
                .invoke(messages -> {
                    // Leftovers are paged through once, by id; then only new entries are read.
                    if (!NEW_ENTRIES.equals(from)) {
                        readFrom = messages.isEmpty() ? NEW_ENTRIES : messages.get(messages.size() - 1).id();
                    }
                });
    }

    /**
     * Takes over entries that no consumer has touched for {@code claimIdle}: their consumer died,
     * or lost Redis long enough for its heartbeat to lapse.
     */
    private Uni<List<StreamMessage<String, String, String>>> reclaim(int count) {
        return streams.xautoclaim(settings.stream(), settings.group(), settings.consumer(), settings.claimIdle(),
                        reclaimCursor, count)
                .map(claimed -> {
                    String next = claimed.getId();
                    reclaimCursor = next == null ? "0-0" : next;
                    if ("0-0".equals(reclaimCursor)) {
                        nextReclaim = Instant.now().plus(settings.reclaimEvery());
                    }
                    return withoutDeleted(claimed);
                });
    }

    /** An entry trimmed away while pending comes back without fields; acknowledge it and move on. */
    private List<StreamMessage<String, String, String>> withoutDeleted(ClaimedMessages<String, String, String> claimed) {
        List<StreamMessage<String, String, String>> live = new java.util.ArrayList<>();
        for (StreamMessage<String, String, String> message : claimed.getMessages()) {
            if (message.payload() == null || message.payload().isEmpty()) {
                acknowledge(message.id()).subscribe().with(ignored -> { }, failure -> { });
            } else {
                LOG.infof("reclaimed entry %s of %s from a silent consumer", message.id(), settings.stream());
                live.add(message);
            }
        }
        return live;
    }

    private void emitAll(List<StreamMessage<String, String, String>> messages) {
        lastFailure = null;
        reads.succeeded();
        Flow.Subscriber<? super Message<Map<String, String>>> downstream = subscriber.get();
        for (StreamMessage<String, String, String> entry : messages) {
            if (inFlight.contains(entry.id())) {
                // Already being processed here (claimed back after a lapsed heartbeat, say): the
                // running delivery goes on, and the claim has reset the entry's idle time.
                continue;
            }
            demand.decrementAndGet();
            inFlight.add(entry.id());
            Context context = VertxContext.createNewDuplicatedContext(root);
            VertxContextSafetyToggle.setContextSafe(context, true);
            Message<Map<String, String>> message = Message.of(new HashMap<>(entry.payload()),
                    Metadata.of(new StreamEntryMetadata(settings.stream(), entry.id(), context)),
                    () -> ack(entry.id()),
                    failure -> nack(entry, failure));
            context.runOnContext(ignored -> downstream.onNext(message));
        }
        reading.set(false);
        pump();
    }

    private void onReadFailure(Throwable failure) {
        lastFailure = failure.getMessage();
        if (lastFailure != null && lastFailure.contains("NOGROUP")) {
            // Redis lost the stream or the group (restarted empty, or flushed): create both again.
            groupReady = false;
            readFrom = OWN_PENDING;
        }
        if (!stopped.get()) {
            // A read cut short by shutdown closing the Redis client is no outage.
            reads.failed(failure);
        }
        LOG.debugf("reading %s failed (%s); trying again in %s", settings.stream(), lastFailure, settings.retryDelay());
        vertx.setTimer(settings.retryDelay().toMillis(), id -> {
            reading.set(false);
            pump();
        });
    }

    private void settled(String entryId) {
        inFlight.remove(entryId);
    }

    private CompletionStage<Void> ack(String entryId) {
        settled(entryId);
        return acknowledge(entryId).subscribeAsCompletionStage();
    }

    private CompletionStage<Void> nack(StreamMessage<String, String, String> entry, Throwable failure) {
        settled(entry.id());
        if (failure instanceof DeadLetter deadLetter) {
            Map<String, String> fields = new HashMap<>(entry.payload());
            fields.put("reason", deadLetter.reason());
            fields.put("sourceEntryId", entry.id());
            return streams.xadd(settings.deadLetterStream(),
                            new XAddArgs().maxlen((long) DEAD_LETTER_MAX_LENGTH).nearlyExactTrimming(), fields)
                    .chain(() -> acknowledge(entry.id()))
                    .subscribeAsCompletionStage();
        }
        // Left pending: once its idle time passes claimIdle, some consumer reclaims and retries it.
        LOG.debugf("entry %s left pending: %s", entry.id(), failure.getMessage());
        return Uni.createFrom().voidItem().subscribeAsCompletionStage();
    }

    private Uni<Void> acknowledge(String entryId) {
        return streams.xack(settings.stream(), settings.group(), entryId).replaceWithVoid();
    }

    /**
     * Resets the idle time of the entries this consumer is still processing. Only entries Redis
     * still lists as ours are touched: XCLAIM would otherwise take an entry back from a consumer
     * that reclaimed it while we were cut off.
     */
    private void heartbeat() {
        if (inFlight.isEmpty()) {
            return;
        }
        // Room for entries this consumer holds but is not processing (left pending after a
        // failed outcome write), so that none of the processed ones falls outside the page.
        streams.xpending(settings.stream(), settings.group(), StreamRange.of("-", "+"),
                        inFlight.size() * 2 + 1000, new XPendingArgs().consumer(settings.consumer()))
                .map(pending -> pending.stream().map(p -> p.getMessageId()).filter(inFlight::contains)
                        .toArray(String[]::new))
                .chain(ids -> ids.length == 0 ? Uni.createFrom().nullItem()
                        : streams.xclaim(settings.stream(), settings.group(), settings.consumer(),
                                java.time.Duration.ZERO, new XClaimArgs().justId(), ids))
                .subscribe().with(ignored -> heartbeats.succeeded(), heartbeats::failed);
    }

    /**
     * Creates the group at the start of the stream ("0"), so entries added before any consumer
     * existed are read too. An existing group is kept as it is.
     */
    private Uni<Void> ensureGroup() {
        if (groupReady) {
            return Uni.createFrom().voidItem();
        }
        return streams.xgroupCreate(settings.stream(), settings.group(), "0", new XGroupCreateArgs().mkstream())
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP"))
                .recoverWithNull()
                .invoke(() -> groupReady = true);
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
