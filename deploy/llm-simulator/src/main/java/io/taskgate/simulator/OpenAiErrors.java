package io.taskgate.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/**
 * Error responses in OpenAI's shape ({@code {"error":{"message","type","param","code"}}}), so that
 * a client's error handling is exercised against the bodies a real provider sends.
 */
final class OpenAiErrors {

    private OpenAiErrors() {
    }

    static void invalidRequest(HttpServerResponse response, String message, String param) {
        send(response, 400, message, "invalid_request_error", param, null);
    }

    static void missingApiKey(HttpServerResponse response) {
        send(response, 401, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
                "invalid_request_error", null, "invalid_api_key");
    }

    static void wrongApiKey(HttpServerResponse response) {
        // The key itself is never echoed: bodies end up in logs.
        send(response, 401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
    }

    static void rateLimited(HttpServerResponse response, int retryAfterSeconds) {
        response.putHeader("Retry-After", String.valueOf(retryAfterSeconds));
        send(response, 429, "Rate limit reached", "requests", null, "rate_limit_exceeded");
    }

    static void serverError(HttpServerResponse response) {
        send(response, 500, "simulated server error", "server_error", null, null);
    }

    static void notFound(HttpServerResponse response, String method, String path) {
        send(response, 404, "Unknown request URL: " + method + " " + path, "invalid_request_error", null, "unknown_url");
    }

    static void methodNotAllowed(HttpServerResponse response, String method, String path, String allowed) {
        response.putHeader("Allow", allowed);
        send(response, 405, "Method " + method + " is not allowed on " + path, "invalid_request_error", null, null);
    }

    static ObjectNode body(String message, String type, String param, String code) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return body;
    }

    private static void send(HttpServerResponse response, int status, String message, String type, String param,
            String code) {
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body(message, type, param, code).toString());
    }
}
