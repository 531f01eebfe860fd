package io.taskgate.api.admin;

import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import jakarta.inject.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Lets a request through to an {@link AdminOnly} resource only with {@code Authorization: Bearer
 * <taskgate.api.admin.token>}. Without a configured token the admin endpoints are off (403), so
 * an instance never serves them unprotected. The token is compared in constant time.
 */
@jakarta.ws.rs.ext.Provider
@AdminOnly
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    /**
     * Looked up per request: REST providers are built while the application is still starting,
     * before its runtime configuration can be read.
     */
    private final Provider<ApiConfig> config;

    public AdminTokenFilter(Provider<ApiConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<String> token = config.get().admin().token().filter(value -> !value.isBlank());
        if (token.isEmpty()) {
            throw ProblemException.forbidden("admin-disabled",
                    "the admin endpoints are off on this instance: taskgate.api.admin.token is not set");
        }
        String presented = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (presented == null || !sameToken(presented, token.get())) {
            throw ProblemException.unauthorized("admin-token-required",
                    "send the admin token as 'Authorization: Bearer <token>'", "Bearer");
        }
    }

    private static String bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).trim();
    }

    private static boolean sameToken(String presented, String expected) {
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
