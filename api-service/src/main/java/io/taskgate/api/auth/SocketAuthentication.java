package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Who is opening a WebSocket: the same credential headers as the REST calls, or a single-use
 * {@code ?ticket=} from {@link SocketTickets} for browsers, which cannot set headers on a
 * WebSocket. The {@code read} role is required. Fails with the same problems as a REST call
 * (401, 403, or 503 when the credential cannot be checked).
 */
@ApplicationScoped
public class SocketAuthentication {

    private final ApiKeyAuthenticator authenticator;
    private final SocketTickets tickets;

    public SocketAuthentication(ApiKeyAuthenticator authenticator, SocketTickets tickets) {
        this.authenticator = authenticator;
        this.tickets = tickets;
    }

    public Uni<Caller> authenticate(HttpServerRequest request) {
        String ticket = request.getParam("ticket");
        Uni<Caller> established;
        if (ticket != null && authenticator.enabled()) {
            established = tickets.redeem(ticket)
                    .map(found -> found.orElseThrow(() -> ProblemException.unauthorized("ticket-invalid",
                            "the ticket is unknown, used or expired; get a new one", "Bearer")));
        } else {
            established = authenticator.authenticate(PresentedCredential.from(
                    Optional.ofNullable(request.getHeader(HttpHeaders.AUTHORIZATION)),
                    Optional.ofNullable(request.getHeader(PresentedCredential.API_KEY_HEADER))));
        }
        return established.invoke(caller -> {
            if (!caller.may(Role.READ)) {
                throw ProblemException.forbidden("role-required", "this credential lacks the 'read' role");
            }
        });
    }
}
