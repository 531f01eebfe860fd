package io.taskgate.api.auth;

import java.util.Optional;

/**
 * What a request presents as its credential: {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}. Reading it is separate from checking it, so that a malformed header
 * gets its own clear answer.
 */
public sealed interface PresentedCredential {

    String API_KEY_HEADER = "X-API-Key";

    /** No credential at all. */
    record Missing() implements PresentedCredential {
    }

    /** A header that cannot carry a key (another scheme, empty, two different keys). */
    record Malformed(String why) implements PresentedCredential {
    }

    record Key(String key) implements PresentedCredential {
    }

    static PresentedCredential from(Optional<String> authorization, Optional<String> apiKeyHeader) {
        Optional<String> bearer = authorization.map(String::trim).filter(value -> !value.isEmpty());
        Optional<String> header = apiKeyHeader.map(String::trim).filter(value -> !value.isEmpty());
        if (bearer.isEmpty() && header.isEmpty()) {
            return authorization.isPresent() || apiKeyHeader.isPresent()
                    ? new Malformed("the credential header is empty") : new Missing();
        }
        Optional<String> fromBearer = Optional.empty();
        if (bearer.isPresent()) {
            String value = bearer.get();
            if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return new Malformed("the Authorization header must use the Bearer scheme");
            }
            fromBearer = Optional.of(value.substring(7).trim()).filter(token -> !token.isEmpty());
            if (fromBearer.isEmpty()) {
                return new Malformed("the Bearer token is empty");
            }
        }
        if (fromBearer.isPresent() && header.isPresent() && !fromBearer.get().equals(header.get())) {
            return new Malformed("Authorization and " + API_KEY_HEADER + " carry different keys");
        }
        return new Key(fromBearer.orElseGet(header::get));
    }
}
