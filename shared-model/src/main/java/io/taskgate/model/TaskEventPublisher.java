package io.taskgate.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import java.util.function.UnaryOperator;

/**
 * Puts task events on {@link RedisNames#EVENT_CHANNEL}, which every api instance listens to:
 * workers for what they record, the api for what it records itself (a cancellation, an
 * operator's recovery). The change is already committed when an event goes out, so a failed
 * publish never fails the caller: polling and the next snapshot show the state. What a failure
 * is worth saying in the log is each service's choice, made in {@code watch}.
 */
public class TaskEventPublisher implements TaskEventSink {

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper json;
    private final UnaryOperator<Uni<Void>> watch;

    /**
     * @param watch wraps every publish: sees its failure (to log or count it) before this class
     *     drops it
     */
    public TaskEventPublisher(ReactiveRedisDataSource redis, ObjectMapper json, UnaryOperator<Uni<Void>> watch) {
        this.pubsub = redis.pubsub(String.class);
        this.json = json;
        this.watch = watch;
    }

    @Override
    public Uni<Void> publish(TaskEvent event) {
        return watch.apply(Uni.createFrom().item(() -> encode(event))
                        .chain(text -> pubsub.publish(RedisNames.EVENT_CHANNEL, text))
                        .replaceWithVoid())
                .onFailure().recoverWithNull();
    }

    private String encode(TaskEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task event cannot be written as JSON", e);
        }
    }
}
