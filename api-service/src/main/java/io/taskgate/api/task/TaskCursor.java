package io.taskgate.api.task;

import io.taskgate.api.problem.ProblemException;
import io.taskgate.model.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in the newest-first task listing: the (createdAt, id) of the last task returned.
 * Opaque to clients; the next page starts strictly after it, so inserts between calls neither
 * repeat nor skip tasks the way an OFFSET would.
 */
public record TaskCursor(Instant createdAt, UUID id) {

    public static TaskCursor after(TaskRecord task) {
        return new TaskCursor(task.createdAt, task.id);
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        String plain = micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    public static TaskCursor decode(String encoded) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            long micros = Long.parseLong(plain.substring(0, colon));
            UUID id = UUID.fromString(plain.substring(colon + 1));
            return new TaskCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("invalid-cursor", "cursor is not one this API returned");
        }
    }
}
