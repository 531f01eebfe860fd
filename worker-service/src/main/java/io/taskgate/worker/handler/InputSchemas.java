package io.taskgate.worker.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The input schemas of the built-in handlers, kept as JSON files beside them ({@code schemas/<name>.json}). */
public final class InputSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InputSchemas() {
    }

    /** A fresh copy, so a handler may fill in limits that come from its configuration. */
    public static ObjectNode load(String name) {
        try (InputStream in = InputSchemas.class.getResourceAsStream("/schemas/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("schemas/" + name + ".json is missing from the classpath");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
