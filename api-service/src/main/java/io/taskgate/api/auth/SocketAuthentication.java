package io.taskgate.api.auth;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates the WebSocket upgrade: the same credential headers as the REST calls, or a
 * single-use {@code ?ticket=} from {@link SocketTickets} for browsers; the {@code read} role
 * required. A refused upgrade is an HTTP answer (401 or 403, 503 when the
 * credential cannot be checked), never an opened socket; an accepted one carries its
 * {@link Caller} into the connection.
 */
@ApplicationScoped
public class SocketAuthentication implements HttpUpgradeCheck {

    private static final UserData.TypedKey<Caller> CALLER = new UserData.TypedKey<>("taskgate.caller");

    private final ApiKeyAuthenticator authenticator;
    private final SocketTickets tickets;

    public SocketAuthentication(ApiKeyAuthenticator authenticator, SocketTickets tickets) {
        this.authenticator = authenticator;
        this.tickets = tickets;
    }

    /** The caller a connection was opened for. */
    public static Caller callerOf(WebSocketConnection connection) {
        Caller caller = connection.userData().get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("connection " + connection.id() + " was opened without a caller");
        }
        return caller;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
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
        return established
                .map(caller -> {
                    if (!caller.may(Role.READ)) {
                        return CheckResult.rejectUpgradeSync(403);
                    }
                    context.userData().put(CALLER, caller);
                    return CheckResult.permitUpgradeSync();
                })
                .onFailure(ProblemException.class).recoverWithItem(failure -> refusal((ProblemException) failure));
    }

    private static CheckResult refusal(ProblemException problem) {
        int status = problem.problem().status();
        if (status == 401) {
            return CheckResult.rejectUpgradeSync(401, Map.of("WWW-Authenticate", List.of("Bearer")));
        }
        if (problem.retryAfter() != null) {
            return CheckResult.rejectUpgradeSync(status,
                    Map.of("Retry-After", List.of(String.valueOf(Math.max(1, problem.retryAfter().toSeconds())))));
        }
        return CheckResult.rejectUpgradeSync(status);
    }
}
