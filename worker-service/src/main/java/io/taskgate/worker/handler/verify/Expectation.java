package io.taskgate.worker.handler.verify;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.worker.handler.TaskFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a response must look like to count as verified: a status among the listed ones or in a
 * class ({@code "2xx"}), and optionally a JSON value at a JSON Pointer (RFC 6901).
 *
 * @param statuses the accepted statuses, or empty when {@code statusClass} decides
 * @param statusClass the hundreds digit of the accepted class, or 0 when {@code statuses} decides
 * @param pointer where the value to compare sits in the response body, or null to ignore the body
 * @param expected the value expected there (a JSON null node for null), or null without a pointer
 */
record Expectation(Set<Integer> statuses, int statusClass, JsonPointer pointer, JsonNode expected) {

    static final Expectation DEFAULT = new Expectation(Set.of(), 2, null, null);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("status", "jsonPointer", "equals");
    /** Values longer than this are described by their kind, never shown, in failure messages. */
    private static final int MAX_SHOWN = 64;

    /** Numbers compare by value (1 equals 1.0); everything else as Jackson compares it. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Reads the {@code expect} member of a task's input (null or absent: the default). */
    static Expectation parse(JsonNode expect) {
        if (expect == null || expect.isNull()) {
            return DEFAULT;
        }
        if (!expect.isObject()) {
            throw TaskFailure.invalidInput("'expect' must be an object");
        }
        for (Iterator<String> names = expect.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw TaskFailure.invalidInput("'expect' has an unknown member '" + name + "'");
            }
        }
        Expectation status = parseStatus(expect.get("status"));
        JsonNode pointer = expect.get("jsonPointer");
        JsonNode expected = expect.get("equals");
        if (pointer == null || pointer.isNull()) {
            if (expected != null) {
                throw TaskFailure.invalidInput("'expect.equals' needs 'expect.jsonPointer' to say where to look");
            }
            return status;
        }
        if (expected == null) {
            throw TaskFailure.invalidInput("'expect.jsonPointer' needs 'expect.equals', the value expected there");
        }
        return new Expectation(status.statuses, status.statusClass, compilePointer(pointer), expected);
    }

    private static Expectation parseStatus(JsonNode status) {
        if (status == null || status.isNull()) {
            return DEFAULT;
        }
        if (status.isTextual() && status.asText().matches("[1-5]xx")) {
            return new Expectation(Set.of(), status.asText().charAt(0) - '0', null, null);
        }
        List<JsonNode> listed = new ArrayList<>();
        if (status.isArray()) {
            status.forEach(listed::add);
        } else {
            listed.add(status);
        }
        Set<Integer> statuses = new TreeSet<>();
        for (JsonNode item : listed) {
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 100 || item.asInt() > 599) {
                throw TaskFailure.invalidInput(
                        "'expect.status' must be a class like \"2xx\" or a non-empty list of statuses from 100 to 599");
            }
            statuses.add(item.asInt());
        }
        if (statuses.isEmpty()) {
            throw TaskFailure.invalidInput("'expect.status' must not be an empty list");
        }
        return new Expectation(Set.copyOf(statuses), 0, null, null);
    }

    private static JsonPointer compilePointer(JsonNode pointer) {
        if (!pointer.isTextual()) {
            throw TaskFailure.invalidInput("'expect.jsonPointer' must be a string such as \"/data/verified\"");
        }
        try {
            return JsonPointer.compile(pointer.asText());
        } catch (IllegalArgumentException e) {
            throw TaskFailure.invalidInput(
                    "'expect.jsonPointer' is not a JSON Pointer (RFC 6901): it must be empty or start with '/'");
        }
    }

    boolean acceptsStatus(int status) {
        return statusClass != 0 ? status / 100 == statusClass : statuses.contains(status);
    }

    /** Whether the response body matters; if not, it is never read. */
    boolean needsBody() {
        return pointer != null;
    }

    String describeStatus() {
        return statusClass != 0 ? statusClass + "xx" : statuses.stream().sorted().toList().toString();
    }

    /**
     * Checks the body of a response whose status was accepted.
     *
     * @return the value at the pointer, or null when no pointer was given
     * @throws TaskFailure VERIFICATION_FAILED when the body is not JSON or holds another value
     */
    JsonNode valueIn(byte[] body) {
        if (pointer == null) {
            return null;
        }
        JsonNode document;
        try {
            document = body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            document = null;
        }
        if (document == null) {
            throw VerifyFailures.verificationFailed("response body is not JSON, so nothing is at " + where());
        }
        JsonNode actual = document.at(pointer);
        if (actual.isMissingNode()) {
            throw VerifyFailures.verificationFailed(
                    "response has nothing at " + where() + ", expected " + show(expected));
        }
        if (!actual.equals(NUMBERS_BY_VALUE, expected)) {
            throw VerifyFailures.verificationFailed(
                    "value at " + where() + " is " + show(actual) + ", expected " + show(expected));
        }
        return actual;
    }

    private String where() {
        return pointer.toString().isEmpty() ? "the document root" : pointer.toString();
    }

    /** A short scalar as written; anything else by its kind, so no message echoes a whole document. */
    private static String show(JsonNode value) {
        if (value.isContainerNode()) {
            return (value.isArray() ? "an array of " : "an object with ") + value.size()
                    + (value.isArray() ? " items" : " members");
        }
        String written = value.toString();
        if (written.length() <= MAX_SHOWN) {
            return written;
        }
        return value.isTextual()
                ? "a string of " + value.asText().length() + " characters"
                : "a long " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
