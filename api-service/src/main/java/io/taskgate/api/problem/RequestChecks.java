package io.taskgate.api.problem;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Checks of request parameters shared by every resource, each failing with the same problem. */
public final class RequestChecks {

    private RequestChecks() {
    }

    /** A page size or limit: {@code fallback} when absent, else a whole number from 1 to {@code max}. */
    public static int limit(String raw, int fallback, int max) {
        // Absent means the default; an empty ?limit= is a mistake, not "the default".
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same answer as an out-of-range number.
        }
        throw ProblemException.badRequest("invalid-limit", "limit must be a whole number from 1 to " + max);
    }

    /**
     * Each of {@code names} given at most once: {@code ?status=QUEUED&status=FAILED} would
     * otherwise be read as whichever value the framework keeps, silently.
     */
    public static void singleValued(Map<String, List<String>> query, String... names) {
        for (String name : names) {
            List<String> values = query.get(name);
            if (values != null && values.size() > 1) {
                throw ProblemException.badRequest("repeated-parameter",
                        "'" + name + "' may be given once; it was given " + values.size() + " times");
            }
        }
    }

    /** A task id. */
    public static UUID taskId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.badRequest("invalid-id", "task ids are UUIDs; '" + raw + "' is not one");
        }
    }
}
