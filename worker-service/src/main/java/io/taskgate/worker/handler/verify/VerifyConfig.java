package io.taskgate.worker.handler.verify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the {@code http.verify} handler. The defaults are closed: with nothing configured
 * no host is allowed, so a worker never calls out until an operator names the endpoints.
 */
@ConfigMapping(prefix = "taskgate.verify")
public interface VerifyConfig {

    /**
     * Host names a task may call: exact names ({@code api.example.com}), {@code *.suffix} patterns
     * (any name below the suffix, not the suffix itself), or literal IP addresses. Unset, nothing
     * is allowed. (The one setting without a {@code @WithDefault}: SmallRye Config reads an empty
     * default as a missing value, so "empty" is expressed as an absent list.)
     */
    Optional<List<String>> allowedHosts();

    /**
     * Whether targets may resolve to loopback, private, link-local, carrier-grade NAT, unspecified
     * or multicast addresses. Off, a task cannot reach the worker's own network through an
     * allowed name that points inward.
     */
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** Redirects followed per task; each hop is checked like the first URL. */
    @WithDefault("3")
    int maxRedirects();

    /** Largest response body read; a larger one fails the task with RESPONSE_TOO_LARGE. */
    @WithDefault("1048576")
    long maxResponseBytes();

    /** Longest wait for a TCP connection to the target. */
    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * Longest wait, once connected, for the response to begin; also bounds the TLS handshake. A
     * body that stalls later is bounded by total-timeout.
     */
    @WithDefault("10s")
    Duration firstByteTimeout();

    /** Longest a whole verification may take: name lookups, every redirect hop and the body. */
    @WithDefault("30s")
    Duration totalTimeout();

    /** Connections kept open per target (host and port); requests beyond wait for one. */
    @WithDefault("16")
    int poolSize();

    /** Calls in flight to one origin from this worker (the bulkhead); more wait in a short queue. */
    @WithDefault("16")
    int maxConcurrentPerOrigin();

    /** Recent calls to one origin that its circuit breaker judges. */
    @WithDefault("20")
    int breakerWindow();

    /** Fraction of those that must have failed (the origin's own trouble) to open the breaker. */
    @WithDefault("0.5")
    double breakerFailureRatio();

    /** How long an open breaker refuses calls before letting trial calls through. */
    @WithDefault("30s")
    Duration breakerDelay();
}
