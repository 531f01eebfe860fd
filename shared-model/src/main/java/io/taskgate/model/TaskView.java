package io.taskgate.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A task as clients see it, over HTTP and in every WebSocket message. {@code seq} rises by one
 * with each recorded change, so a client can tell which of two views is newer.
 */
public record TaskView(
        UUID id,
        String tenantId,
        String type,
        TaskStatus status,
        Double progress,
        JsonNode result,
        TaskError error,
        int attempts,
        long seq,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {
}
