package io.taskgate.worker.upstream;

import java.time.Instant;

/** A circuit breaker moved from one state to another (CLOSED, OPEN, HALF_OPEN). */
public record BreakerTransition(String breaker, String from, String to, Instant at) {
}
