package io.taskgate.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body announced larger than {@code quarkus.http.limits.max-body-size} is refused before a
 * byte of it is read, as a 413 problem like every other refusal (the server's own limit, which
 * still stops a chunked body that grows past it, answers without one).
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long maxBytes;
    private final ObjectMapper json;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            ObjectMapper json) {
        this.maxBytes = maxBodySize.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext request) {
        String announced = request.request().getHeader("Content-Length");
        if (announced == null) {
            request.next();
            return;
        }
        long length;
        try {
            length = Long.parseLong(announced.trim());
        } catch (NumberFormatException e) {
            refuse(request, Problem.of("malformed-content-length", "Bad request", 400,
                    "Content-Length must be a number of bytes", false));
            return;
        }
        if (length > maxBytes) {
            refuse(request, Problem.of("body-too-large", "Content too large", 413,
                    "the body may be at most " + maxBytes + " bytes; this one announces " + length, false));
            return;
        }
        request.next();
    }

    private void refuse(RoutingContext request, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + problem.status() + "}";
        }
        // The unread body is not worth reading: the connection goes with the answer.
        request.response().setStatusCode(problem.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close")
                .end(body);
    }
}
