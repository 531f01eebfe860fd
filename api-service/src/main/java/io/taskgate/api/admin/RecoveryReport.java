package io.taskgate.api.admin;

import java.util.List;

/** The answer of {@code POST /api/v1/admin/stuck-tasks/recover}: one result per task, in request order. */
public record RecoveryReport(List<RecoveryResult> results) {
}
