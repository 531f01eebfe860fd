package io.taskgate.api.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.taskgate.api.auth.Caller;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The open WebSocket connections of this instance and the bounds on them: how many one tenant
 * and the whole instance may hold, how long one may stay silent (it answers the server's pings
 * unless it is gone), and how many messages may wait unsent on one (a client that stops reading
 * is closed instead of filling the heap).
 */
@ApplicationScoped
public class SocketConnections {

    /** Close code for a client that stays silent past the idle timeout. */
    static final int IDLE = 1000;
    private static final Logger LOG = Logger.getLogger(SocketConnections.class);
    private static final UserData.TypedKey<Caller> CALLER = new UserData.TypedKey<>("taskgate.caller");
    private static final UserData.TypedKey<Outbox> OUTBOX = new UserData.TypedKey<>("taskgate.outbox");
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final ApiConfig.Sockets config;
    private final Vertx vertx;
    private final Set<String> allowedOrigins;
    private final Map<String, AtomicInteger> byTenant = new ConcurrentHashMap<>();
    private final Map<String, Tracked> open = new ConcurrentHashMap<>();
    private long sweeper = -1;

    public SocketConnections(ApiConfig config, Vertx vertx, MeterRegistry meters) {
        this.config = config.sockets();
        this.vertx = vertx;
        this.allowedOrigins = this.config.allowedOrigins().orElse(Set.of());
        meters.gauge("taskgate.ws.connections", open, Map::size);
    }

    void start(@Observes StartupEvent startup) {
        long every = Math.max(100, config.idleTimeout().toMillis() / 4);
        sweeper = vertx.setPeriodic(every, tick -> closeIdle());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
    }

    /**
     * A page may open a socket only from an allowed origin, when a list is configured. Clients
     * that are not browsers send no {@code Origin} and are not held to it.
     */
    boolean originAllowed(String origin) {
        return origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
    }

    /** Refuses a new connection when its tenant (429) or this instance (503) holds its maximum. */
    void admit(Caller caller) {
        if (open.size() >= config.maxConnectionsPerInstance()) {
            throw ProblemException.unavailable("too-many-connections", "this instance holds its maximum of "
                    + config.maxConnectionsPerInstance() + " WebSocket connections", RETRY_AFTER, null);
        }
        AtomicInteger tenants = byTenant.get(caller.tenantId());
        if (tenants != null && tenants.get() >= config.maxConnectionsPerTenant()) {
            throw ProblemException.tooManyRequests("too-many-connections", "this tenant holds its maximum of "
                    + config.maxConnectionsPerTenant() + " WebSocket connections on this instance", RETRY_AFTER, Map.of());
        }
    }

    static void attach(UserData upgrade, Caller caller) {
        upgrade.put(CALLER, caller);
    }

    /** The caller a connection was opened for. */
    static Caller callerOf(WebSocketConnection connection) {
        Caller caller = connection.userData().get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("connection " + connection.id() + " was opened without a caller");
        }
        return caller;
    }

    /** Where every message to the connection goes through. */
    static Outbox outbox(WebSocketConnection connection) {
        Outbox outbox = connection.userData().get(OUTBOX);
        if (outbox == null) {
            throw new IllegalStateException("connection " + connection.id() + " was not registered");
        }
        return outbox;
    }

    /**
     * The connection's outbox, made here when a frame is answered before the open callback has
     * run: an oversized first frame sent right after the handshake is reported to the error
     * callback, which can come first.
     */
    Outbox outboxFor(WebSocketConnection connection) {
        Outbox outbox = connection.userData().get(OUTBOX);
        if (outbox == null) {
            outbox = new Outbox(connection, config.maxQueuedMessages());
            connection.userData().put(OUTBOX, outbox);
        }
        return outbox;
    }

    void opened(WebSocketConnection connection) {
        outboxFor(connection);
        byTenant.computeIfAbsent(callerOf(connection).tenantId(), tenant -> new AtomicInteger()).incrementAndGet();
        open.put(connection.id(), new Tracked(connection));
    }

    void closed(WebSocketConnection connection) {
        if (open.remove(connection.id()) == null) {
            return;
        }
        byTenant.computeIfPresent(callerOf(connection).tenantId(),
                (tenant, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** The client showed it is there (a message, or a pong to the server's ping). */
    void heard(WebSocketConnection connection) {
        Tracked tracked = open.get(connection.id());
        if (tracked != null) {
            tracked.lastHeard = System.nanoTime();
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        long limit = config.idleTimeout().toNanos();
        open.values().forEach(tracked -> {
            if (now - tracked.lastHeard > limit && !tracked.closing) {
                tracked.closing = true;
                LOG.debugf("closing WebSocket %s: silent for longer than %s", tracked.connection.id(), config.idleTimeout());
                tracked.connection.close(new CloseReason(IDLE, "idle for longer than " + config.idleTimeout().toSeconds() + " s"))
                        .subscribe().with(ignored -> { }, failure -> { });
            }
        });
    }

    private static final class Tracked {
        private final WebSocketConnection connection;
        private volatile long lastHeard = System.nanoTime();
        private volatile boolean closing;

        Tracked(WebSocketConnection connection) {
            this.connection = connection;
        }
    }
}
