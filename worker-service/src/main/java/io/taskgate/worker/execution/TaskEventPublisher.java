package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Publishes task events on the Redis channel every api instance listens to. A lost event is not
 * a lost outcome: the state is already in PostgreSQL, where polling and the next snapshot read
 * it. So a failed publish does not fail the task; while Redis is away, the first failure is a
 * WARN and the rest are counted, not one line per event.
 */
@ApplicationScoped
public class TaskEventPublisher {

    private static final Logger LOG = Logger.getLogger(TaskEventPublisher.class);

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper json;
    private final BackgroundLoop publishing;

    public TaskEventPublisher(ReactiveRedisDataSource redis, ObjectMapper json, BackgroundLoops loops) {
        this.pubsub = redis.pubsub(String.class);
        this.json = json;
        this.publishing = loops.loop("task-event-publishing", TaskEventPublisher.class);
    }

    public Uni<Void> publish(TaskEvent event) {
        return Uni.createFrom().item(() -> encode(event))
                .chain(text -> publishing.watch(pubsub.publish(RedisNames.EVENT_CHANNEL, text)))
                .onFailure().invoke(e -> LOG.debugf("could not publish %s event of task %s: %s",
                        event.type().wireName(), event.taskId(), e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private String encode(TaskEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException("task event cannot be written as JSON", e);
        }
    }
}
