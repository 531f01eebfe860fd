package io.taskgate.worker.config;

import jakarta.enterprise.context.ApplicationScoped;

/** The policy of each task type: its own overrides on top of the default policy. */
@ApplicationScoped
public class RetryPolicies {

    private final WorkerConfig config;

    public RetryPolicies(WorkerConfig config) {
        this.config = config;
    }

    public RetryPolicy forType(String type) {
        WorkerConfig.Policy base = config.defaultPolicy();
        WorkerConfig.PolicyOverride own = config.policies().get(type);
        if (own == null) {
            return new RetryPolicy(base.maxAttempts(), base.initialBackoff(), base.multiplier(), base.maxBackoff(),
                    base.jitter(), base.timeout());
        }
        return new RetryPolicy(
                own.maxAttempts().orElse(base.maxAttempts()),
                own.initialBackoff().orElse(base.initialBackoff()),
                own.multiplier().orElse(base.multiplier()),
                own.maxBackoff().orElse(base.maxBackoff()),
                own.jitter().orElse(base.jitter()),
                own.timeout().orElse(base.timeout()));
    }

    /** Starts allowed in all before DELIVERY_LIMIT: never fewer than the type's attempts. */
    public int deliveryLimit(String type) {
        return Math.max(config.deliveryLimit(), forType(type).maxAttempts());
    }
}
