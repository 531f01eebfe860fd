package io.taskgate.api.health;

import io.taskgate.api.auth.AuthenticationFilter;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.LogThrottle;
import io.taskgate.model.health.SlidingWindowCounts;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Counts this instance's answers under {@code /api/v1} by status class over a sliding window,
 * whoever answered them: a resource, a refusing filter (401, 429) or the framework (404, 413).
 * The health endpoints themselves are left out, so watching the rate does not move it. Answers
 * slower than {@code taskgate.api.health.slow-request-threshold} are logged.
 */
@ApplicationScoped
public class RequestOutcomes {

    private static final String COUNTED = "/api/v1/";
    private static final String NOT_COUNTED = "/api/v1/health/";

    private static final Logger LOG = Logger.getLogger(RequestOutcomes.class);
    private static final Pattern ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final SlidingWindowCounts<String> byClass;
    private final Duration slowThreshold;
    private final LogThrottle slowLines = new LogThrottle(Duration.ofSeconds(1));

    public RequestOutcomes(ApiConfig config) {
        this.byClass = new SlidingWindowCounts<>(config.health().errorWindow(), System::currentTimeMillis);
        this.slowThreshold = config.health().slowRequestThreshold();
    }

    /** Runs ahead of every other route, and sees each answer once its body has gone out. */
    void watch(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String path = context.normalizedPath();
            if (path.startsWith(COUNTED)) {
                long started = System.nanoTime();
                context.addBodyEndHandler(ignored -> answered(context, path, started));
            }
            context.next();
        });
    }

    private void answered(RoutingContext context, String path, long started) {
        int status = context.response().getStatusCode();
        if (!path.startsWith(NOT_COUNTED)) {
            record(status);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis >= slowThreshold.toMillis()) {
            logSlow(context.request().method().name(), path, status, millis, context.get(AuthenticationFilter.TENANT));
        }
    }

    /** One line a second at most: when everything is slow, a line per request would bury the log. */
    private void logSlow(String method, String path, int status, long millis, String tenant) {
        OptionalLong admitted = slowLines.admit(Instant.now());
        if (admitted.isEmpty()) {
            return;
        }
        long heldBack = admitted.getAsLong();
        LOG.warnf("slow request: %s %s answered %d in %d ms (tenant %s)%s", method, template(path), status, millis,
                tenant == null ? "none" : tenant,
                heldBack == 0 ? "" : "; " + heldBack + " more slow requests since the last such line");
    }

    /** The path with its ids replaced, so a line names the route and not one task. */
    static String template(String path) {
        return ID.matcher(path).replaceAll("{id}");
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
