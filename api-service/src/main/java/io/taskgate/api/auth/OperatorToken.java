package io.taskgate.api.auth;

import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator's token ({@code taskgate.api.admin.token}): it acts for no tenant and may do
 * everything the admin endpoints offer, across all tenants. Unset, nothing is the operator, so
 * an instance never serves the operator's endpoints unprotected. Compared in constant time.
 */
@ApplicationScoped
public class OperatorToken {

    private final Optional<byte[]> token;

    public OperatorToken(ApiConfig config) {
        this.token = config.admin().token().filter(value -> !value.isBlank())
                .map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    public boolean configured() {
        return token.isPresent();
    }

    /** Whether the credential is the operator's token. */
    public boolean presentedIn(PresentedCredential credential) {
        return token.isPresent() && credential instanceof PresentedCredential.Key key
                && MessageDigest.isEqual(key.key().getBytes(StandardCharsets.UTF_8), token.get());
    }

    /** The answer for a call only the operator may make, to a credential that is not the token. */
    ProblemException refusal() {
        if (token.isEmpty()) {
            return ProblemException.forbidden("admin-disabled",
                    "the operator's endpoints are off on this instance: taskgate.api.admin.token is not set");
        }
        return ProblemException.unauthorized("admin-token-required",
                "send the operator's admin token as 'Authorization: Bearer <token>'", "Bearer");
    }
}
