package io.taskgate.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private final ObjectMapper json;

    public SystemTopic(RedisChannelListener channels, ObjectMapper json) {
        this.channels = channels;
        this.json = json;
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

    /**
     * Fleet events (a breaker of a shared upstream) go to every subscriber; an event that names
     * a tenant goes to that tenant's connections only.
     */
    private void broadcast(String message) {
        String tenant = tenantOf(message);
        subscribers.values().forEach(connection -> {
            if (tenant == null || tenant.equals(SocketConnections.callerOf(connection).tenantId())) {
                SocketConnections.outbox(connection).send(message);
            }
        });
    }

    /** The tenant a system event concerns; null for fleet events, and for events that cannot be read. */
    private String tenantOf(String message) {
        try {
            JsonNode tenant = json.readTree(message).get("tenantId");
            return tenant == null || tenant.isNull() ? null : tenant.asText();
        } catch (Exception e) {
            LOG.debugf("system event without readable JSON: %s", e.getMessage());
            return null;
        }
    }
}
