package io.taskgate.worker.handler.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.worker.handler.RecordingTaskContext;
import io.taskgate.worker.handler.TaskFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The echo handler's own logic, with a context that records what the handler asked of it. */
class EchoHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingTaskContext context = RecordingTaskContext.instant();
    private final EchoHandler handler = new EchoHandler();

    @Test
    void echoesAnyJsonMessage() throws Exception {
        JsonNode result = run("{\"message\":{\"a\":[1,true,null]}}");
        assertThat(result).isEqualTo(JSON.readTree("{\"message\":{\"a\":[1,true,null]}}"));
    }

    @Test
    void spreadsStepsEvenlyOverTheDelay() {
        run("{\"message\":\"x\",\"delayMs\":1000,\"steps\":3}");
        assertThat(context.progress).containsExactly(1.0 / 3, 2.0 / 3, 1.0);
        assertThat(context.sleeps).containsExactly(Duration.ofMillis(333), Duration.ofMillis(333), Duration.ofMillis(334));
    }

    @Test
    void withoutStepsItJustWaits() {
        run("{\"delayMs\":250}");
        assertThat(context.progress).isEmpty();
        assertThat(context.sleeps).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void outOfRangeNumbersAreInvalidInput() {
        for (String input : List.of("{\"delayMs\":60001}", "{\"steps\":101}", "{\"steps\":-1}", "{\"delayMs\":\"soon\"}",
                "{\"steps\":1.5}")) {
            assertThatThrownBy(() -> run(input)).as(input).isInstanceOfSatisfying(TaskFailure.class,
                    failure -> {
                        assertThat(failure.error().code()).isEqualTo("INVALID_INPUT");
                        assertThat(failure.error().retryable()).isFalse();
                    });
        }
    }

    private JsonNode run(String input) {
        try {
            return handler.handle(JSON.readTree(input), context).await().atMost(Duration.ofSeconds(5));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
