package io.taskgate.api.auth;

import java.util.Set;

/**
 * Who a request acts for, as its credential says: the tenant every query is scoped to and the
 * roles it holds. The tenant never comes from the request itself.
 *
 * @param principal the credential itself, named without its secret ({@code key:<id>} for an API
 *     key, {@code jwt:<subject>} for a token): what per-key rate limits are counted under
 * @param operator whether this is the operator's admin token, which acts for no tenant
 */
public record Caller(String tenantId, Set<Role> roles, String principal, boolean operator) {

    /** The operator, holding the admin token: every role, and no tenant of its own. */
    public static final Caller OPERATOR = new Caller(null, java.util.EnumSet.allOf(Role.class), "operator", true);

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** A tenant's credential. */
    public Caller(String tenantId, Set<Role> roles, String principal) {
        this(tenantId, roles, principal, false);
    }

    /** Whether this caller may act on {@code tenant}'s keys and tasks: its own tenant's, or any for the operator. */
    public boolean actsFor(String tenant) {
        return operator || tenantId.equals(tenant);
    }

    public boolean may(Role role) {
        return roles.contains(role);
    }
}
