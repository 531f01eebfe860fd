package io.taskgate.api.events;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.SocketAuthentication;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.problem.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Decides every WebSocket upgrade before a socket exists: the page's {@code Origin} must be on
 * the allow-list when one is configured (a cross-site page cannot open a socket in a user's
 * name), the caller must authenticate, and the instance and the tenant must have a connection
 * to spare. A refusal is a plain HTTP answer — 401, 403, 429 or 503, with {@code Retry-After}
 * where waiting helps — never an opened and dropped socket.
 */
@ApplicationScoped
public class SocketUpgrade implements HttpUpgradeCheck {

    private final SocketAuthentication authentication;
    private final SocketConnections connections;

    public SocketUpgrade(SocketAuthentication authentication, SocketConnections connections) {
        this.authentication = authentication;
        this.connections = connections;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!connections.originAllowed(context.httpRequest().getHeader("Origin"))) {
            return Uni.createFrom().item(CheckResult.rejectUpgradeSync(403));
        }
        return authentication.authenticate(context.httpRequest())
                .invoke(connections::admit)
                .map(caller -> {
                    SocketConnections.attach(context.userData(), caller);
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
                    Map.of("Retry-After", List.of(Long.toString(RetryAfter.seconds(problem.retryAfter())))));
        }
        return CheckResult.rejectUpgradeSync(status);
    }
}
