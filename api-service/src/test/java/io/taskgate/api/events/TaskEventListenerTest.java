package io.taskgate.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskEventType;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskEventListenerTest {

    @Test
    void readsTheTaskIdOfAnEventAsWorkersWriteIt() throws Exception {
        UUID id = UUID.randomUUID();
        TaskView view = new TaskView(id, "default", "echo", TaskStatus.RUNNING, null, null, null, 1, 2, Instant.now(), null, null);
        String message = new ObjectMapper().registerModule(new JavaTimeModule())
                .writeValueAsString(TaskEvent.of(TaskEventType.STATUS, view));
        assertThat(TaskEventListener.taskIdOf(message)).isEqualTo(id);
    }

    @Test
    void anythingElseGivesNoId() {
        assertThat(TaskEventListener.taskIdOf("{\"type\":\"status\"}")).isNull();
        assertThat(TaskEventListener.taskIdOf("{\"taskId\":\"not-a-uuid-at-all-but-long-enough-here\"}")).isNull();
        assertThat(TaskEventListener.taskIdOf("{\"taskId\":\"short\"}")).isNull();
        assertThat(TaskEventListener.taskIdOf("{\"taskId\":42}")).isNull();
        assertThat(TaskEventListener.taskIdOf("not json")).isNull();
        assertThat(TaskEventListener.taskIdOf("[\"taskId\"]")).isNull();
    }

    @Test
    void theIdIsTheEventsOwnWhereverItStandsNotOneNestedInside() {
        UUID id = UUID.randomUUID();
        String message = "{\"type\":\"status\",\"task\":{\"taskId\":\"" + UUID.randomUUID() + "\",\"list\":[1,{\"a\":2}]},"
                + "\"seq\":3,\"taskId\":\"" + id + "\"}";
        assertThat(TaskEventListener.taskIdOf(message)).isEqualTo(id);
    }
}
