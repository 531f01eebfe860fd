package io.taskgate.worker.handler.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import java.util.Map;

/**
 * One request of a verification: the first one, or one that follows a redirect.
 *
 * @param body the JSON to send, or null to send none
 */
record Hop(HttpMethod method, Target target, Map<String, String> headers, JsonNode body) {

    static Hop first(VerifyRequest request) {
        return new Hop(request.method(), request.target(), request.headers(), request.body());
    }

    /**
     * The request a redirect asks for. 303 (and 301/302 after a POST, as browsers do) turns into a
     * GET without a body; 307 and 308 repeat the request as it was. The caller's headers travel
     * only to the same origin, so credentials meant for one host never reach another.
     */
    Hop redirectedTo(Target next, int status) {
        boolean toGet = method != HttpMethod.HEAD
                && (status == 303 || (method == HttpMethod.POST && (status == 301 || status == 302)));
        Map<String, String> nextHeaders = target.sameOrigin(next) ? headers : Map.of();
        return toGet ? new Hop(HttpMethod.GET, next, nextHeaders, null) : new Hop(method, next, nextHeaders, body);
    }
}
