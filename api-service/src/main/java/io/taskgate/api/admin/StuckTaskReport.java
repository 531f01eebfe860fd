package io.taskgate.api.admin;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /api/v1/admin/stuck-tasks}, longest stuck first. */
public record StuckTaskReport(List<StuckTask> items, Instant checkedAt) {
}
