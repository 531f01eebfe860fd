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
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Redis commands one consumer of one channel's stream and group sends. */
final class ConsumerGroupCommands {

    private static final int DEAD_LETTER_MAX_LENGTH = 100_000;

    private final StreamChannelSettings settings;
    private final ReactiveStreamCommands<String, String, String> streams;

    ConsumerGroupCommands(StreamChannelSettings settings, ReactiveRedisDataSource redis) {
        this.settings = settings;
        this.streams = redis.stream(String.class, String.class, String.class);
    }

    /**
     * Creates the group at the start of the stream ("0"), so entries added before any consumer
     * existed are read too. An existing group is kept as it is.
     */
    Uni<Void> ensureGroup() {
        return streams.xgroupCreate(settings.stream(), settings.group(), "0", new XGroupCreateArgs().mkstream())
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP"))
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** This consumer's own pending entries after {@code afterId}: they are not blocked on. */
    Uni<List<StreamMessage<String, String, String>>> ownPending(String afterId, int count) {
        return read(afterId, new XReadGroupArgs().count(count));
    }

    /** Entries no consumer has seen, waiting up to {@code block} for one to arrive. */
    Uni<List<StreamMessage<String, String, String>>> newEntries(int count) {
        return read(">", new XReadGroupArgs().count(count).block(settings.block()));
    }

    private Uni<List<StreamMessage<String, String, String>>> read(String from, XReadGroupArgs args) {
        return streams.xreadgroup(settings.group(), settings.consumer(), settings.stream(), from, args)
                .map(messages -> messages == null ? List.<StreamMessage<String, String, String>>of() : messages);
    }

    /** Takes over entries no consumer has touched for {@code claimIdle}. */
    Uni<ClaimedMessages<String, String, String>> reclaim(String cursor, int count) {
        return streams.xautoclaim(settings.stream(), settings.group(), settings.consumer(), settings.claimIdle(),
                cursor, count);
    }

    Uni<Void> acknowledge(String entryId) {
        return streams.xack(settings.stream(), settings.group(), entryId).replaceWithVoid();
    }

    /** Copies the entry to the dead-letter stream with the reason, then acknowledges it. */
    Uni<Void> deadLetter(StreamMessage<String, String, String> entry, String reason) {
        Map<String, String> fields = new HashMap<>(entry.payload());
        fields.put("reason", reason);
        fields.put("sourceEntryId", entry.id());
        return streams.xadd(settings.deadLetterStream(),
                        new XAddArgs().maxlen((long) DEAD_LETTER_MAX_LENGTH).nearlyExactTrimming(), fields)
                .chain(() -> acknowledge(entry.id()));
    }

    /**
     * Resets the idle time of the held entries. Only entries Redis still lists as this
     * consumer's are touched: XCLAIM would otherwise take an entry back from a consumer that
     * reclaimed it while this one was cut off.
     */
    Uni<Void> keepAlive(Set<String> held) {
        // Room for entries this consumer has but does not hold (left pending after a failed
        // outcome write), so that none of the held ones falls outside the page.
        return streams.xpending(settings.stream(), settings.group(), StreamRange.of("-", "+"),
                        held.size() * 2 + 1000, new XPendingArgs().consumer(settings.consumer()))
                .map(pending -> pending.stream().map(p -> p.getMessageId()).filter(held::contains)
                        .toArray(String[]::new))
                .chain(ids -> ids.length == 0 ? Uni.createFrom().voidItem()
                        : streams.xclaim(settings.stream(), settings.group(), settings.consumer(), Duration.ZERO,
                                new XClaimArgs().justId(), ids).replaceWithVoid());
    }
}
