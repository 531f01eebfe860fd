package io.taskgate.api.events;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.WebSocketConnection;
import io.taskgate.model.RedisNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The {@code system} topic of {@code /ws/tasks}: fleet-level events (circuit breaker
 * transitions) that workers publish, pushed to every connection that subscribed to the topic —
 * a dashboard, typically. Messages are passed on as the workers wrote them.
 */
@ApplicationScoped
public class SystemTopic {

    public static final String NAME = "system";
    private static final Logger LOG = Logger.getLogger(SystemTopic.class);

    private final Map<String, WebSocketConnection> subscribers = new ConcurrentHashMap<>();
    private final RedisChannelListener channels;

    public SystemTopic(RedisChannelListener channels) {
        this.channels = channels;
    }

    void start(@Observes StartupEvent startup) {
        channels.listen(RedisNames.SYSTEM_CHANNEL, this::broadcast);
    }

    void subscribe(WebSocketConnection connection) {
        subscribers.put(connection.id(), connection);
    }

    void unsubscribe(String connectionId) {
        subscribers.remove(connectionId);
    }

    private void broadcast(String message) {
        subscribers.values().forEach(connection -> connection.sendText(message).subscribe().with(
                ignored -> { },
                failure -> LOG.debugf("could not push to connection %s: %s", connection.id(), failure.getMessage())));
    }
}
