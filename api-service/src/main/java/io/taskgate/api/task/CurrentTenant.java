package io.taskgate.api.task;

import io.taskgate.model.Tenants;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tenant a request acts for. Every query goes through here, so when authentication arrives
 * only this class learns to read the caller's tenant from the token.
 */
@ApplicationScoped
public class CurrentTenant {

    public String id() {
        return Tenants.DEFAULT;
    }
}
