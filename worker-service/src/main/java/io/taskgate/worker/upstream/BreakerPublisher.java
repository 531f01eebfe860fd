package io.taskgate.worker.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.worker.fleet.WorkerIdentity;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Tells the api-service about this worker's breakers. Every few seconds it writes their state,
 * stamped with the time, to this worker's field of one Redis hash (readers disregard and remove
 * a report older than its lifetime, so a dead worker's breakers disappear), and it publishes
 * each transition at once on the {@code system} channel for dashboards.
 */
@ApplicationScoped
public class BreakerPublisher {

    private static final Logger LOG = Logger.getLogger(BreakerPublisher.class);
    private final UpstreamBreakers breakers;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final String worker;
    private final BackgroundLoop loop;

    public BreakerPublisher(UpstreamBreakers breakers, ReactiveRedisDataSource redis, ObjectMapper json,
            WorkerIdentity identity, BackgroundLoops loops) {
        this.breakers = breakers;
        this.redis = redis;
        this.json = json;
        this.loop = loops.loop("breaker-report", BreakerPublisher.class);
        this.worker = identity.id();
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return loop.watch(writeReport()).onFailure().recoverWithNull().replaceWithVoid();
    }

    void onTransition(@ObservesAsync BreakerTransition transition) {
        ObjectNode event = json.createObjectNode()
                .put("type", "circuit-breaker")
                .put("worker", worker)
                .put("breaker", transition.breaker())
                .put("from", transition.from())
                .put("to", transition.to())
                .put("at", transition.at().toString());
        LOG.infof("circuit breaker %s: %s -> %s", transition.breaker(), transition.from(), transition.to());
        redis.pubsub(String.class).publish(RedisNames.SYSTEM_CHANNEL, event.toString())
                .chain(this::writeReport)
                .subscribe().with(ignored -> { },
                        failure -> LOG.warnf("could not publish a breaker transition: %s", failure.getMessage()));
    }

    private Uni<Void> writeReport() {
        ObjectNode report = json.createObjectNode().put("worker", worker).put("reportedAt", Instant.now().toString());
        ArrayNode list = report.putArray("breakers");
        for (BreakerStats stats : breakers.all()) {
            ObjectNode entry = list.addObject()
                    .put("name", stats.name())
                    .put("state", stats.state())
                    .put("failureRate", stats.failureRate());
            if (stats.lastTransitionAt() != null) {
                entry.put("lastTransitionAt", stats.lastTransitionAt().toString());
                entry.put("previousState", stats.previousState());
            }
        }
        return redis.hash(String.class).hset(RedisNames.BREAKER_REPORTS, worker, report.toString()).replaceWithVoid();
    }
}
