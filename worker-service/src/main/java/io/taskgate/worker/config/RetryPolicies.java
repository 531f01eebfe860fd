package io.taskgate.worker.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Function;

/** The policy of each task type: its own overrides on top of the default policy. */
@ApplicationScoped
public class RetryPolicies {

    private final Function<String, RetryPolicy> policyOf;
    private final int deliveryLimit;

    @Inject
    public RetryPolicies(WorkerConfig config) {
        this(type -> configured(config, type), config.deliveryLimit());
    }

    /**
     * @param policyOf the policy of each type
     * @param deliveryLimit starts allowed in all, for types with fewer attempts than this
     */
    public RetryPolicies(Function<String, RetryPolicy> policyOf, int deliveryLimit) {
        this.policyOf = policyOf;
        this.deliveryLimit = deliveryLimit;
    }

    public RetryPolicy forType(String type) {
        return policyOf.apply(type);
    }

    private static RetryPolicy configured(WorkerConfig config, String type) {
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
        return Math.max(deliveryLimit, forType(type).maxAttempts());
    }
}
