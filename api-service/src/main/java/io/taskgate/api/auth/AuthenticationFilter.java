package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.taskgate.api.problem.ProblemException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call to a resource marked {@link RequiresRole} or {@link OperatorOnly},
 * checks the role, and records the caller for the rest of the request. Where the {@code admin}
 * role is required, or the resource is marked {@link OperatorAccepted}, the operator's token is
 * accepted too; where only the operator may call, only the token is. Resources without either
 * mark (health probes, the OpenAPI document) are open.
 */
public class AuthenticationFilter {

    /** Where the authenticated tenant is left on the routing context. */
    public static final String TENANT = "taskgate.tenant";

    private final ApiKeyAuthenticator authenticator;
    private final OperatorToken operator;
    private final CurrentCaller current;

    public AuthenticationFilter(ApiKeyAuthenticator authenticator, OperatorToken operator, CurrentCaller current) {
        this.authenticator = authenticator;
        this.operator = operator;
        this.current = current;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authenticate(ContainerRequestContext request, ResourceInfo resource, RoutingContext routing) {
        RequiresRole required = Marks.on(resource, RequiresRole.class);
        boolean operatorOnly = Marks.on(resource, OperatorOnly.class) != null;
        if (required == null && !operatorOnly) {
            return Uni.createFrom().voidItem();
        }
        PresentedCredential credential = PresentedCredential.from(
                Optional.ofNullable(request.getHeaderString(HttpHeaders.AUTHORIZATION)),
                Optional.ofNullable(request.getHeaderString(PresentedCredential.API_KEY_HEADER)));
        boolean operatorAccepted = operatorOnly || required.value() == Role.ADMIN
                || Marks.on(resource, OperatorAccepted.class) != null;
        if (operatorAccepted && operator.presentedIn(credential)) {
            current.set(Caller.OPERATOR);
            return Uni.createFrom().voidItem();
        }
        if (operatorOnly) {
            return Uni.createFrom().failure(operator.refusal());
        }
        return authenticator.authenticate(credential)
                .invoke(caller -> {
                    if (!caller.may(required.value())) {
                        throw ProblemException.forbidden("role-required",
                                "this credential lacks the '" + required.value().wireName() + "' role");
                    }
                    current.set(caller);
                    // For the slow-request log, which runs outside the request scope.
                    routing.put(TENANT, caller.tenantId());
                })
                .replaceWithVoid();
    }
}
