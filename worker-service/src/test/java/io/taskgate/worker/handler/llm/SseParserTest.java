package io.taskgate.worker.handler.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    @Test
    void eventsEndAtABlankLineWhateverTheLineEnding() {
        for (String ending : List.of("\n", "\r\n", "\r")) {
            String body = "data: one" + ending + ending + "data: two" + ending + ending;
            assertThat(feedWhole(body)).as("line ending %s", ending.replace("\r", "CR").replace("\n", "LF"))
                    .containsExactly("one", "two");
        }
    }

    @Test
    void commentsAndOtherFieldsAreSkipped() {
        String body = ": keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: payload\n\n:another comment\n";
        assertThat(feedWhole(body)).containsExactly("payload");
    }

    @Test
    void dataLinesOfOneEventAreJoinedWithNewlines() {
        assertThat(feedWhole("data: first\ndata: second\ndata\n\n")).containsExactly("first\nsecond\n");
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() {
        assertThat(feedWhole("data:tight\n\ndata:  two spaces\n\n")).containsExactly("tight", " two spaces");
    }

    @Test
    void eventsSplitAnywhereAcrossChunksComeOutWhole() {
        String body = "data: {\"a\":\"é…\"}\r\n\r\ndata: [DONE]\r\n\r\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser();
        List<String> events = new ArrayList<>();
        // One byte at a time splits the CRLFs and the multi-byte characters too.
        for (byte b : bytes) {
            events.addAll(parser.feed(new byte[] {b}));
        }
        assertThat(events).containsExactly("{\"a\":\"é…\"}", "[DONE]");
    }

    @Test
    void anUnfinishedEventIsNotEmitted() {
        assertThat(feedWhole("data: partial\n")).isEmpty();
    }

    private static List<String> feedWhole(String body) {
        return new SseParser().feed(body.getBytes(StandardCharsets.UTF_8));
    }
}
