package io.taskgate.api.idempotency;

import io.taskgate.api.problem.ProblemException;
import java.util.List;
import java.util.Optional;

/**
 * A client's Idempotency-Key: the name it gives one intended task, so that sending the same
 * request again (after a timeout or a lost answer) returns that task instead of creating another.
 */
public record IdempotencyKey(String value) {

    public static final String HEADER = "Idempotency-Key";

    /** The column is varchar(255); a longer key is refused rather than cut, which could merge two keys. */
    static final int MAX_LENGTH = 255;

    /** The key a request carries, if any, from all its values of the header; a blank, over-long or repeated key is a 400. */
    public static Optional<IdempotencyKey> fromHeader(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw ProblemException.badRequest("invalid-idempotency-key", "send one " + HEADER + " header, not several");
        }
        String header = values.get(0);
        if (header == null || header.isBlank()) {
            throw ProblemException.badRequest("invalid-idempotency-key", HEADER + " must not be blank");
        }
        if (header.length() > MAX_LENGTH) {
            throw ProblemException.badRequest("invalid-idempotency-key",
                    HEADER + " must be at most " + MAX_LENGTH + " characters long");
        }
        return Optional.of(new IdempotencyKey(header));
    }
}
