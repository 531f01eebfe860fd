package io.taskgate.api.admin;

import java.util.List;

/**
 * The body of {@code POST /api/v1/admin/stuck-tasks/recover}: {@code "requeue"} or {@code "fail"},
 * and the tasks to act on. Without {@code taskIds}, every task stuck now (up to the limit).
 */
public record RecoveryRequest(String action, List<String> taskIds) {
}
