package io.taskgate.model;

import java.util.Map;
import java.util.UUID;

/**
 * What the api-service writes to the task stream for each accepted task. It carries only what a
 * worker needs to find the task: the input stays in PostgreSQL, which keeps Redis memory small
 * and leaves one copy of the truth.
 */
public record TaskStreamEntry(UUID taskId, String tenantId, String type) {

    private static final String TASK_ID = "taskId";
    private static final String TENANT_ID = "tenantId";
    private static final String TYPE = "type";

    public Map<String, String> toFields() {
        return Map.of(TASK_ID, taskId.toString(), TENANT_ID, tenantId, TYPE, type);
    }

    /**
     * Reads an entry back from stream fields.
     *
     * @throws IllegalArgumentException when a field is missing or the id is not a UUID, so the
     *     consumer can set the entry aside instead of retrying it forever
     */
    public static TaskStreamEntry fromFields(Map<String, String> fields) {
        String id = fields.get(TASK_ID);
        String tenant = fields.get(TENANT_ID);
        String type = fields.get(TYPE);
        if (id == null || tenant == null || type == null) {
            throw new IllegalArgumentException("stream entry lacks taskId, tenantId or type: " + fields.keySet());
        }
        return new TaskStreamEntry(UUID.fromString(id), tenant, type);
    }
}
