package io.taskgate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskStreamEntryTest {

    @Test
    void fieldsRoundTrip() {
        TaskStreamEntry entry = new TaskStreamEntry(TaskIds.newId(), "acme", "echo");
        assertThat(TaskStreamEntry.fromFields(entry.toFields())).isEqualTo(entry);
    }

    @Test
    void incompleteEntryIsRejected() {
        assertThatThrownBy(() -> TaskStreamEntry.fromFields(Map.of("taskId", TaskIds.newId().toString())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
