package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a complete event-stream body the way an SSE client does, keeping comments apart. */
record SseEvents(List<String> blocks, String lineEnding) {

    static SseEvents parse(String body, String lineEnding) {
        String separator = lineEnding + lineEnding;
        assertThat(body).as("an event stream ends with a blank line").endsWith(separator);
        List<String> blocks = Arrays.asList(body.substring(0, body.length() - separator.length()).split(separator, -1));
        for (String block : blocks) {
            assertThat(block).as("each event is a single line").doesNotContain("\n").doesNotContain("\r");
        }
        return new SseEvents(blocks, lineEnding);
    }

    /** The {@code data:} payloads in order, the final {@code [DONE]} included. */
    List<String> data() {
        List<String> data = new ArrayList<>();
        for (String block : blocks) {
            if (block.startsWith("data: ")) {
                data.add(block.substring("data: ".length()));
            }
        }
        return data;
    }

    /** The JSON chunks, without the final {@code [DONE]}. */
    List<JsonNode> chunks() {
        List<String> data = data();
        assertThat(data).last().isEqualTo("[DONE]");
        return data.subList(0, data.size() - 1).stream().map(SimulatorClient::json).toList();
    }

    long keepAlivesBeforeFirstData() {
        return blocks.stream().takeWhile(block -> !block.startsWith("data: ")).filter(": keep-alive"::equals).count();
    }

    String content() {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks()) {
            JsonNode choices = chunk.path("choices");
            if (!choices.isEmpty()) {
                text.append(choices.get(0).path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }
}
