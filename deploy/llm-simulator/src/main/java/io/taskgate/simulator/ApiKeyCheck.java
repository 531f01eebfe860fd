package io.taskgate.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The bearer token check of the {@code /v1} endpoints, when an API key is configured. */
final class ApiKeyCheck {

    enum Result { ACCEPTED, MISSING, WRONG }

    private static final String BEARER = "bearer ";

    private ApiKeyCheck() {
    }

    static Result check(String authorization, String requiredKey) {
        if (requiredKey == null) {
            return Result.ACCEPTED;
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Result.MISSING;
        }
        byte[] sent = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: cheap, and the habit is worth keeping even in a simulator.
        boolean same = MessageDigest.isEqual(sent, requiredKey.getBytes(StandardCharsets.UTF_8));
        return same ? Result.ACCEPTED : Result.WRONG;
    }
}
