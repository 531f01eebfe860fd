package io.taskgate.api.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;

/**
 * Says what is wrong with a body the JSON reader refused, in the terms of the request (a field's
 * name, a line and column), never the reader's own message, which names Java classes.
 */
public final class JsonRefusals {

    private JsonRefusals() {
    }

    public static Problem describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return problem("unknown-field", "'" + path(unknown) + "' is not a field of this request"
                    + (known.isEmpty() ? "" : "; the fields are: " + known));
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (isTooDeep(e)) {
            return problem("too-deep", "the body nests deeper than " + io.taskgate.api.config.StrictJson.MAX_NESTING_DEPTH
                    + " levels" + at(e.getLocation()));
        }
        if (mentionsDuplicate(e)) {
            return problem("duplicate-field", "a field is given twice" + at(e.getLocation()) + "; each key may appear once");
        }
        if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
            return problem("malformed-json", "the body holds more than one JSON value; send exactly one");
        }
        if (e instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            return problem("invalid-field", "'" + path(mismatched) + "' has the wrong JSON type for this request");
        }
        if (e instanceof DatabindException) {
            return problem("malformed-json", "the body does not have the shape this endpoint expects (a JSON object)");
        }
        return problem("malformed-json", "the request body is not valid JSON" + at(e.getLocation()));
    }

    private static boolean isTooDeep(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
                return true;
            }
        }
        return false;
    }

    /** Duplicate keys are found by the parser, and may reach here wrapped by the reader that called it. */
    private static boolean mentionsDuplicate(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json && json.getOriginalMessage() != null
                    && json.getOriginalMessage().startsWith("Duplicate field")) {
                return true;
            }
        }
        return false;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static Problem problem(String slug, String detail) {
        return Problem.of(slug, "Bad request", 400, detail, false);
    }
}
