package io.taskgate.api.events;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.auth.SocketAuthentication;
import io.taskgate.api.limits.FailedAuthentications;
import io.taskgate.api.problem.ProblemException;
import io.taskgate.api.problem.RetryAfter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final FailedAuthentications failures;

    public SocketUpgrade(SocketAuthentication authentication, SocketConnections connections,
            FailedAuthentications failures) {
        this.authentication = authentication;
        this.connections = connections;
        this.failures = failures;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!connections.originAllowed(context.httpRequest().getHeader("Origin"))) {
            return Uni.createFrom().item(CheckResult.rejectUpgradeSync(403));
        }
        // Failed credentials count against the address here as on the REST side, so the socket
        // is no way around that budget.
        String address = context.httpRequest().remoteAddress() == null ? null
                : context.httpRequest().remoteAddress().hostAddress();
        Optional<ProblemException> spent = failures.refusal(address);
        if (spent.isPresent()) {
            return Uni.createFrom().item(refusal(spent.get()));
        }
        return authentication.authenticate(context.httpRequest())
                .invoke(connections::admit)
                .map(caller -> {
                    SocketConnections.attach(context.userData(), caller);
                    return CheckResult.permitUpgradeSync();
                })
                .onFailure(ProblemException.class).recoverWithUni(failure -> {
                    ProblemException problem = (ProblemException) failure;
                    Uni<Void> counted = problem.problem().status() == 401 ? failures.failed(address)
                            : Uni.createFrom().voidItem();
                    return counted.map(ignored -> refusal(problem));
                });
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
