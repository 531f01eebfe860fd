package io.taskgate.model;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * New task ids: version 7 UUIDs (RFC 9562), whose leading 48 bits are the creation time in
 * milliseconds. Ids created close together sort close together, which keeps the primary-key
 * index compact under a high insert rate, unlike random version 4 ids.
 */
public final class TaskIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TaskIds() {
    }

    public static UUID newId() {
        return newId(Clock.systemUTC().millis());
    }

    static UUID newId(long epochMillis) {
        long randomA = RANDOM.nextLong();
        long randomB = RANDOM.nextLong();
        long mostSignificant = (epochMillis << 16) | 0x7000L | (randomA & 0x0FFFL);
        long leastSignificant = (randomB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(mostSignificant, leastSignificant);
    }
}
