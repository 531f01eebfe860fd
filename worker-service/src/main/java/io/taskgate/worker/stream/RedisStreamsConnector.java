package io.taskgate.worker.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.taskgate.worker.loops.BackgroundLoops;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReporter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

/**
 * A SmallRye Reactive Messaging connector that reads a Redis stream through a consumer group.
 * Each incoming channel gets a {@link StreamEntryPublisher}; demand from the consuming method
 * decides how many entries are read, so a slow consumer is never flooded.
 *
 * <p>Configure a channel with {@code mp.messaging.incoming.<channel>.connector=taskgate-redis-streams}
 * and the attributes of {@link StreamChannelSettings}.
 */
@ApplicationScoped
@Connector(RedisStreamsConnector.NAME)
public class RedisStreamsConnector implements InboundConnector, HealthReporter {

    public static final String NAME = "taskgate-redis-streams";

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final BackgroundLoops loops;
    private final List<StreamEntryPublisher> publishers = new CopyOnWriteArrayList<>();
    private volatile boolean applicationStarted;

    public RedisStreamsConnector(ReactiveRedisDataSource redis, Vertx vertx, BackgroundLoops loops) {
        this.redis = redis;
        this.vertx = vertx;
        this.loops = loops;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config config) {
        StreamEntryPublisher publisher = new StreamEntryPublisher(StreamChannelSettings.from(config), redis, vertx, loops);
        publishers.add(publisher);
        if (applicationStarted) {
            publisher.startReading();
        }
        return publisher;
    }

    /** Stops reading new entries on every channel; entries already delivered can still be acknowledged. */
    public void stopReading() {
        publishers.forEach(StreamEntryPublisher::stopReading);
    }

    /** Channels wired before start-up wait for it; channels wired later start at once. */
    void startOnStartup(@Observes StartupEvent startup) {
        applicationStarted = true;
        publishers.forEach(StreamEntryPublisher::startReading);
    }

    void stopOnShutdown(@Observes ShutdownEvent shutdown) {
        stopReading();
        publishers.forEach(StreamEntryPublisher::close);
    }

    /** Ready while reading; a Redis outage makes the worker unready, not dead, so nothing restarts it for that. */
    @Override
    public HealthReport getReadiness() {
        HealthReport.HealthReportBuilder report = HealthReport.builder();
        publishers.forEach(p -> report.add(p.settings().channel(), p.isReading(), p.describe()));
        return report.build();
    }
}
