package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.ProblemException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call to a method marked {@link RequiresRole}, checks the role, and
 * records the caller for the rest of the request. Methods without the mark (the operator's admin
 * endpoints, which have their own token) are left alone.
 */
public class AuthenticationFilter {

    private final ApiKeyAuthenticator authenticator;
    private final CurrentCaller current;

    public AuthenticationFilter(ApiKeyAuthenticator authenticator, CurrentCaller current) {
        this.authenticator = authenticator;
        this.current = current;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        RequiresRole required = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RequiresRole.class);
        if (required == null) {
            return Uni.createFrom().voidItem();
        }
        PresentedCredential credential = PresentedCredential.from(
                Optional.ofNullable(request.getHeaderString(HttpHeaders.AUTHORIZATION)),
                Optional.ofNullable(request.getHeaderString(PresentedCredential.API_KEY_HEADER)));
        return authenticator.authenticate(credential)
                .invoke(caller -> {
                    if (!caller.may(required.value())) {
                        throw ProblemException.forbidden("role-required",
                                "this credential lacks the '" + required.value().wireName() + "' role");
                    }
                    current.set(caller);
                })
                .replaceWithVoid();
    }
}
