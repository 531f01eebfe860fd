package io.taskgate.api.auth;

import java.util.Set;
import java.util.UUID;

/**
 * Who a request acts for, as its credential says: the tenant every query is scoped to and the
 * roles it holds. The tenant never comes from the request itself.
 */
public record Caller(String tenantId, Set<Role> roles, UUID keyId) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean may(Role role) {
        return roles.contains(role);
    }
}
