package io.taskgate.api.limits;

import io.taskgate.api.auth.Caller;
import io.taskgate.api.config.ApiConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Which budgets a call is counted against: its key's and its tenant's, for the kind of call it is.
 * Both buckets carry the tenant as hash tag, so the one script that charges them both runs on a
 * Redis Cluster too (a key belongs to exactly one tenant).
 */
public final class RateBudgets {

    static final String BUCKET_PREFIX = "taskgate:rate:";

    private final ApiConfig.Limits limits;

    public RateBudgets(ApiConfig.Limits limits) {
        this.limits = limits;
    }

    public List<RateBudget> of(Caller caller, RateClass kind) {
        Optional<ApiConfig.TenantLimits> own = Optional.ofNullable(limits.tenants().get(caller.tenantId()));
        int perKey = kind == RateClass.SUBMIT
                ? quota(own, ApiConfig.TenantLimits::submitPerKey, ApiConfig.Limits::submitPerKey)
                : quota(own, ApiConfig.TenantLimits::readPerKey, ApiConfig.Limits::readPerKey);
        int perTenant = kind == RateClass.SUBMIT
                ? quota(own, ApiConfig.TenantLimits::submitPerTenant, ApiConfig.Limits::submitPerTenant)
                : quota(own, ApiConfig.TenantLimits::readPerTenant, ApiConfig.Limits::readPerTenant);
        List<RateBudget> budgets = new ArrayList<>(2);
        String name = kind.wireName();
        if (perKey > 0) {
            budgets.add(new RateBudget(name + "-per-key",
                    bucket(caller, name + ":key:" + caller.principal()), perKey, limits.window()));
        }
        if (perTenant > 0) {
            budgets.add(new RateBudget(name + "-per-tenant",
                    bucket(caller, name + ":tenant"), perTenant, limits.window()));
        }
        return budgets;
    }

    private static String bucket(Caller caller, String rest) {
        return BUCKET_PREFIX + "{" + caller.tenantId() + "}:" + rest;
    }

    private int quota(Optional<ApiConfig.TenantLimits> own,
            Function<ApiConfig.TenantLimits, Optional<Integer>> override, ToIntFunction<ApiConfig.Limits> fallback) {
        return own.flatMap(override).orElseGet(() -> fallback.applyAsInt(limits));
    }
}
