package io.taskgate.api.task;

import io.taskgate.api.auth.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tenant a REST request acts for: always the one its credential belongs to, never one named
 * in the request. Every task query of the REST resources goes through here.
 */
@ApplicationScoped
public class CurrentTenant {

    private final CurrentCaller caller;

    public CurrentTenant(CurrentCaller caller) {
        this.caller = caller;
    }

    public String id() {
        return caller.get().tenantId();
    }
}
