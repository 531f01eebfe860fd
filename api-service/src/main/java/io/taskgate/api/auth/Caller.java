package io.taskgate.api.auth;

import java.util.Set;

/**
 * Who a request acts for, as its credential says: the tenant every query is scoped to and the
 * roles it holds. The tenant never comes from the request itself.
 *
 * @param principal the credential itself, named without its secret ({@code key:<id>} for an API
 *     key, {@code jwt:<subject>} for a token): what per-key rate limits are counted under
 */
public record Caller(String tenantId, Set<Role> roles, String principal) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean may(Role role) {
        return roles.contains(role);
    }
}
