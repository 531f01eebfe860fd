package io.taskgate.worker.handler.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code llm.chat} sends its requests and how it guards them. Environment variables map
 * as usual: {@code TASKGATE_LLM_BASE_URL}, {@code TASKGATE_LLM_API_KEY}, {@code TASKGATE_LLM_MODEL}.
 */
@ConfigMapping(prefix = "taskgate.llm")
public interface LlmConfig {

    /** The provider's base URL, without {@code /v1}: the local simulator by default. */
    @WithDefault("http://127.0.0.1:8090")
    String baseUrl();

    /** Sent as a bearer token. Never logged. */
    Optional<String> apiKey();

    /** Model used when a task does not name one. */
    @WithDefault("taskgate-sim-1")
    String model();

    /** Largest completion a task may ask for, and the default when it asks for none. */
    @WithDefault("1024")
    int maxTokens();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Longest silence allowed on the connection (before the first byte, or between chunks). */
    @WithDefault("30s")
    Duration idleTimeout();

    /** Longest one call may take in all. */
    @WithDefault("5m")
    Duration totalTimeout();

    /** Most calls in flight to the provider from this worker (the bulkhead). */
    @WithDefault("64")
    int maxConcurrentCalls();

    /** Calls waiting for a bulkhead slot before further calls are refused. */
    @WithDefault("256")
    int maxQueuedCalls();

    /** Requests per minute to the provider from the whole fleet; unlimited when absent. */
    Optional<Integer> requestsPerMinute();

    /** Tokens per minute (as the provider reports them) for the whole fleet; unlimited when absent. */
    Optional<Integer> tokensPerMinute();

    Breaker breaker();

    interface Breaker {
        /** Calls looked at when deciding whether to open. */
        @WithDefault("10")
        int window();

        /** Fraction of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before letting trial calls through. */
        @WithDefault("10s")
        Duration delay();

        /** Successful trial calls needed to close it again. */
        @WithDefault("2")
        int successThreshold();
    }
}
