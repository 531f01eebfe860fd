package io.taskgate.api.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.quarkus.runtime.StartupEvent;
import io.taskgate.api.task.RecentViews;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Listens on the Redis event channel that every worker publishes to, and hands each event to
 * this instance's subscribers and to the views it holds for pollers. Every api instance
 * listens, so a subscriber gets its events whichever instance its socket landed on.
 */
@ApplicationScoped
public class TaskEventListener {

    private static final Logger LOG = Logger.getLogger(TaskEventListener.class);
    private static final String TASK_ID_FIELD = "taskId";
    private static final JsonFactory IDS = new JsonFactory();

    private final RedisChannelListener channels;
    private final TaskSubscriptions subscriptions;
    private final RecentViews recent;
    private final ObjectReader events;

    public TaskEventListener(RedisChannelListener channels, TaskSubscriptions subscriptions, RecentViews recent,
            ObjectMapper json) {
        this.channels = channels;
        this.subscriptions = subscriptions;
        this.recent = recent;
        // Events come from workers that may be a version ahead: a field this api does not know is ignored.
        this.events = json.readerFor(TaskEvent.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    void start(@Observes StartupEvent startup) {
        channels.listen(RedisNames.EVENT_CHANNEL, this::deliver);
    }

    private void deliver(String message) {
        // Most events concern tasks nobody on this instance follows or polls; skip those before parsing.
        UUID taskId = taskIdOf(message);
        if (taskId != null && !subscriptions.isFollowed(taskId) && !recent.holds(taskId)) {
            return;
        }
        try {
            TaskEvent event = events.readValue(message);
            if (event.type() != TaskEventType.OUTPUT) {
                // An output piece changes no stored field; its view is the last stored one.
                recent.changed(event.task());
            }
            subscriptions.dispatch(event);
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable event: %s", e.getMessage());
        }
    }

    /**
     * The task id of an event, read with a streaming parser that stops at the field (workers
     * write it first), so an event nobody here follows costs no full parse; null if absent.
     */
    static UUID taskIdOf(String message) {
        try (JsonParser parser = IDS.createParser(message)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (TASK_ID_FIELD.equals(field)) {
                    return value == JsonToken.VALUE_STRING ? UUID.fromString(parser.getText()) : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
