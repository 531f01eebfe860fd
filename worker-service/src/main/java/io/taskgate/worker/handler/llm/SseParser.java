package io.taskgate.worker.handler.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental parser of a {@code text/event-stream} body: feed it the bytes as they arrive, in
 * chunks cut anywhere, and it returns the data of each complete event. It follows the format as
 * servers send it: lines end in LF, CRLF or CR; {@code data:} lines (one optional space after the
 * colon) of one event are joined with newlines; a blank line ends the event; comment lines
 * ({@code :keep-alive}) and other fields ({@code event:}, {@code id:}, {@code retry:}) are
 * skipped. Lines are decoded as UTF-8 only when complete, so a character split across chunks
 * survives. Not thread-safe: one parser per response.
 */
final class SseParser {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean lastWasCarriageReturn;

    /** Parses the next piece of the body; returns the data of every event it completed. */
    List<String> feed(byte[] bytes) {
        List<String> events = new ArrayList<>(1);
        for (byte b : bytes) {
            if (b == '\n' && lastWasCarriageReturn) {
                // The LF of a CRLF whose CR already ended the line.
                lastWasCarriageReturn = false;
                continue;
            }
            lastWasCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine(events);
            } else {
                line.write(b);
            }
        }
        return events;
    }

    private void endLine(List<String> events) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return;
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }
}
