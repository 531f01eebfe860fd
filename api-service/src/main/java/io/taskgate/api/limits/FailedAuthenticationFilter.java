package io.taskgate.api.limits;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Guards the key store against guessing: an address that has spent its budget of failed
 * authentications is refused before authentication looks anything up, and every 401 answered
 * is charged to the address it went to. The address is the connection's peer, or the client a
 * trusted proxy names (Quarkus resolves that from {@code quarkus.http.proxy.*}).
 */
public class FailedAuthenticationFilter {

    private final FailedAuthentications failures;

    public FailedAuthenticationFilter(FailedAuthentications failures) {
        this.failures = failures;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 10)
    public Uni<Void> refuseSpentAddresses(HttpServerRequest http) {
        return failures.refusal(addressOf(http))
                .map(refusal -> Uni.createFrom().<Void>failure(refusal))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    @ServerResponseFilter
    public Uni<Void> chargeFailures(ContainerResponseContext response, HttpServerRequest http) {
        if (response.getStatus() != 401) {
            return Uni.createFrom().voidItem();
        }
        return failures.failed(addressOf(http));
    }

    private static String addressOf(HttpServerRequest http) {
        SocketAddress peer = http.remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }
}
