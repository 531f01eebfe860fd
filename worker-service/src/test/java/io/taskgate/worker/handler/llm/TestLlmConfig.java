package io.taskgate.worker.handler.llm;

import java.time.Duration;
import java.util.Optional;

/** Settings for tests that point the client at a server of their own. */
record TestLlmConfig(String baseUrl, Duration idleTimeout) implements LlmConfig {

    @Override
    public Optional<String> apiKey() {
        return Optional.of("test-key");
    }

    @Override
    public String model() {
        return "test-model";
    }

    @Override
    public int maxTokens() {
        return 256;
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration totalTimeout() {
        return Duration.ofSeconds(20);
    }

    @Override
    public int maxConcurrentCalls() {
        return 4;
    }

    @Override
    public int maxQueuedCalls() {
        return 4;
    }

    @Override
    public Optional<Integer> requestsPerMinute() {
        return Optional.empty();
    }

    @Override
    public Optional<Integer> tokensPerMinute() {
        return Optional.empty();
    }

    @Override
    public Breaker breaker() {
        return new Breaker() {
            @Override
            public int window() {
                return 4;
            }

            @Override
            public double failureRatio() {
                return 0.5;
            }

            @Override
            public Duration delay() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int successThreshold() {
                return 1;
            }
        };
    }
}
