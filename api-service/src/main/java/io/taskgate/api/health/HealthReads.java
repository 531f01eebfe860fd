package io.taskgate.api.health;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Bounds every Redis read behind a health answer: a health endpoint that hangs with its
 * dependency is no help to whoever is looking at an outage. A read that fails or takes too long
 * is a 503 that names Redis.
 */
@ApplicationScoped
public class HealthReads {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Duration timeout;

    public HealthReads(ApiConfig config) {
        this.timeout = config.health().redisTimeout();
    }

    <T> Uni<T> fromRedis(Uni<T> read) {
        return read.ifNoItem().after(timeout).fail()
                .onFailure().transform(failure -> ProblemException.unavailable("redis-unavailable",
                        "Redis did not answer the health read: " + failure.getClass().getSimpleName(), RETRY_AFTER, failure));
    }
}
