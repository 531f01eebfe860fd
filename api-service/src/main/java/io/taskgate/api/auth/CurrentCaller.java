package io.taskgate.api.auth;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the request being handled, as {@link AuthenticationFilter} established it. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller, if this request has been authenticated. */
    public java.util.Optional<Caller> find() {
        return java.util.Optional.ofNullable(caller);
    }

    /** The caller; fails loudly if a method forgot its {@link RequiresRole}, rather than guessing a tenant. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: the resource method lacks @RequiresRole");
        }
        return caller;
    }
}
