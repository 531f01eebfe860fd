package io.taskgate.api.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.model.TaskEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/** Writes events as the JSON text sent on sockets; one place so every message looks the same. */
@ApplicationScoped
class EventEncoder {

    private final ObjectMapper json;

    EventEncoder(ObjectMapper json) {
        this.json = json;
    }

    String encode(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
