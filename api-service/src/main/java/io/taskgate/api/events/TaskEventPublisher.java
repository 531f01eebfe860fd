package io.taskgate.api.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Publishes events for changes the api-service itself records (a cancellation, an operator's
 * recovery) on the channel every api instance listens to, so sockets hear of them as they hear
 * of a worker's. The change is already committed when this runs: a lost event is logged, not
 * failed, and polling or the next snapshot shows the state.
 */
@ApplicationScoped
public class TaskEventPublisher {

    private static final Logger LOG = Logger.getLogger(TaskEventPublisher.class);

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper json;

    public TaskEventPublisher(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.pubsub = redis.pubsub(String.class);
        this.json = json;
    }

    public Uni<Void> publish(TaskEvent event) {
        return Uni.createFrom().item(() -> encode(event))
                .chain(text -> pubsub.publish(RedisNames.EVENT_CHANNEL, text))
                .onFailure().invoke(e -> LOG.warnf("could not publish %s event of task %s: %s",
                        event.type().wireName(), event.taskId(), e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private String encode(TaskEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task event cannot be written as JSON", e);
        }
    }
}
