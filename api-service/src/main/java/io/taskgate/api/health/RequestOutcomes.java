package io.taskgate.api.health;

import io.taskgate.api.config.ApiConfig;
import io.taskgate.model.health.SlidingWindowCounts;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Counts this instance's answers under {@code /api/v1} by status class over a sliding window,
 * whoever answered them: a resource, a refusing filter (401, 429) or the framework (404, 413).
 * The health endpoints themselves are left out, so watching the rate does not move it.
 */
@ApplicationScoped
public class RequestOutcomes {

    private static final String COUNTED = "/api/v1/";
    private static final String NOT_COUNTED = "/api/v1/health/";

    private final SlidingWindowCounts<String> byClass;

    public RequestOutcomes(ApiConfig config) {
        this.byClass = new SlidingWindowCounts<>(config.health().errorWindow(), System::currentTimeMillis);
    }

    /** Runs ahead of every other route, and counts each answer once its body has gone out. */
    void watch(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String path = context.normalizedPath();
            if (path.startsWith(COUNTED) && !path.startsWith(NOT_COUNTED)) {
                context.addBodyEndHandler(ignored -> record(context.response().getStatusCode()));
            }
            context.next();
        });
    }

    void record(int status) {
        byClass.add(status / 100 + "xx");
    }

    /** Answers per status class ({@code 2xx}, {@code 4xx}…) within the window. */
    Map<String, Long> byStatusClass() {
        return byClass.totals();
    }

    long windowSeconds() {
        return byClass.window().toSeconds();
    }
}
