package io.taskgate.api.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are one JSON value, nested at most {@value #MAX_NESTING_DEPTH} levels deep, with each key once: {@code {"type":"echo"} trailing} or
 * {@code {"type":"a","type":"b"}} is refused instead of read as whichever part the parser kept.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** Deep enough for any real task input, shallow enough that nesting cannot be used to exhaust the stack. */
    public static final int MAX_NESTING_DEPTH = 64;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
