package io.taskgate.worker.handler.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskgate.worker.handler.TaskFailure;
import io.vertx.core.http.HttpMethod;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The input of an {@code http.verify} task, checked: what to send where, and what to expect back.
 *
 * @param headers the caller's own headers, in their order; never hop-by-hop ones, Host or Content-Length
 * @param body the JSON to send, or null to send none
 */
record VerifyRequest(HttpMethod method, Target target, Map<String, String> headers, JsonNode body, Expectation expect) {

    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_VALUE = 8192;

    private static final Set<String> FIELDS = Set.of("method", "url", "headers", "body", "expect");
    private static final Map<String, HttpMethod> METHODS = Map.of("GET", HttpMethod.GET, "POST", HttpMethod.POST,
            "PUT", HttpMethod.PUT, "PATCH", HttpMethod.PATCH, "DELETE", HttpMethod.DELETE, "HEAD", HttpMethod.HEAD);
    /**
     * Headers the caller may not set: those that belong to one connection (RFC 9110 §7.6.1), and
     * those the client must write itself for the message to be framed and routed as checked.
     */
    private static final Set<String> REFUSED_HEADERS = Set.of("host", "content-length", "connection", "keep-alive",
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
            "upgrade", "expect");
    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,256}");
    /** Visible ASCII, spaces and tabs, and obs-text: never CR, LF or other control characters. */
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");

    static VerifyRequest parse(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw TaskFailure.invalidInput("the input must be a JSON object");
        }
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw TaskFailure.invalidInput("unknown member '" + name + "'");
            }
        }
        HttpMethod method = parseMethod(input.get("method"));
        Target target = parseUrl(input.get("url"));
        Map<String, String> headers = parseHeaders(input.get("headers"));
        JsonNode body = input.get("body");
        if (body != null && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
            throw TaskFailure.invalidInput("a " + method.name() + " request cannot carry a 'body'");
        }
        Expectation expect = Expectation.parse(input.get("expect"));
        if (method == HttpMethod.HEAD && expect.needsBody()) {
            throw TaskFailure.invalidInput("a HEAD response has no body for 'expect.jsonPointer' to look into");
        }
        return new VerifyRequest(method, target, headers, body, expect);
    }

    private static HttpMethod parseMethod(JsonNode method) {
        if (method == null || method.isNull()) {
            return HttpMethod.GET;
        }
        HttpMethod parsed = method.isTextual() ? METHODS.get(method.asText().toUpperCase(Locale.ROOT)) : null;
        if (parsed == null) {
            throw TaskFailure.invalidInput("'method' must be one of GET, POST, PUT, PATCH, DELETE, HEAD");
        }
        return parsed;
    }

    private static Target parseUrl(JsonNode url) {
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            throw TaskFailure.invalidInput("'url' must be an http or https URL");
        }
        try {
            return Target.parse(url.asText());
        } catch (IllegalArgumentException e) {
            throw TaskFailure.invalidInput("'url' " + e.getMessage());
        }
    }

    private static Map<String, String> parseHeaders(JsonNode headers) {
        if (headers == null || headers.isNull()) {
            return Map.of();
        }
        if (!headers.isObject()) {
            throw TaskFailure.invalidInput("'headers' must be an object of header names to string values");
        }
        if (headers.size() > MAX_HEADERS) {
            throw TaskFailure.invalidInput("'headers' may hold at most " + MAX_HEADERS + " headers");
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        headers.fields().forEachRemaining(header -> {
            String name = header.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw TaskFailure.invalidInput("'headers' has an invalid header name");
            }
            if (REFUSED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw TaskFailure.invalidInput("header '" + name + "' cannot be set: the client writes it itself");
            }
            JsonNode value = header.getValue();
            // The value is never echoed: it may well be a credential.
            if (!value.isTextual() || value.asText().length() > MAX_HEADER_VALUE
                    || !HEADER_VALUE.matcher(value.asText()).matches()) {
                throw TaskFailure.invalidInput("header '" + name + "' must have a string value of at most "
                        + MAX_HEADER_VALUE + " characters without line breaks or control characters");
            }
            parsed.put(name, value.asText());
        });
        return Collections.unmodifiableMap(parsed);
    }
}
