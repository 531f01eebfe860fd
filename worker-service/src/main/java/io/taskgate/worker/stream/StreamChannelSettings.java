package io.taskgate.worker.stream;

import java.time.Duration;
import org.eclipse.microprofile.config.Config;

/**
 * The attributes of one incoming channel on the Redis Streams connector, read from
 * {@code mp.messaging.incoming.<channel>.*}.
 *
 * @param stream the stream key
 * @param group the consumer group, created at the start of the stream if missing
 * @param consumer this process's name in the group; it must be unique per live process
 * @param maxBatch most entries asked for in one read, whatever the demand
 * @param capacity most entries this consumer holds at once, delivered or read ahead: set it to
 *     what the consuming method runs at once, so no entry waits here while another consumer idles
 * @param block how long one read waits on an empty stream
 * @param claimIdle how long an entry must sit unacknowledged, with no heartbeat, before another
 *     consumer takes it over: it must exceed {@code heartbeat} by a safe margin
 * @param reclaimEvery how often this consumer looks for entries abandoned by dead consumers
 * @param heartbeat how often the entries this consumer holds are marked as still alive
 * @param retryDelay pause after a failed Redis call, so a dead Redis is not hammered
 * @param deadLetterStream where entries nacked with a {@link DeadLetter} go
 */
public record StreamChannelSettings(String channel, String stream, String group, String consumer, int maxBatch,
        int capacity, Duration block, Duration claimIdle, Duration reclaimEvery, Duration heartbeat, Duration retryDelay,
        String deadLetterStream) {

    static StreamChannelSettings from(Config config) {
        String channel = config.getValue("channel-name", String.class);
        return new StreamChannelSettings(
                channel,
                config.getOptionalValue("stream", String.class).orElse(channel),
                config.getOptionalValue("group", String.class).orElse(channel + "-consumers"),
                config.getOptionalValue("consumer", String.class).orElseGet(StreamChannelSettings::defaultConsumer),
                config.getOptionalValue("max-batch", Integer.class).orElse(64),
                config.getOptionalValue("capacity", Integer.class).orElse(64),
                config.getOptionalValue("block", Duration.class).orElse(Duration.ofSeconds(2)),
                config.getOptionalValue("claim-idle", Duration.class).orElse(Duration.ofSeconds(30)),
                config.getOptionalValue("reclaim-every", Duration.class).orElse(Duration.ofSeconds(5)),
                config.getOptionalValue("heartbeat", Duration.class).orElse(Duration.ofSeconds(5)),
                config.getOptionalValue("retry-delay", Duration.class).orElse(Duration.ofSeconds(1)),
                config.getOptionalValue("dead-letter-stream", String.class).orElse(channel + ":dead-letter"));
    }

    /** This process's consumer name when none is configured: the host's and the process id. */
    public static String defaultConsumer() {
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        return host + "-" + ProcessHandle.current().pid();
    }
}
