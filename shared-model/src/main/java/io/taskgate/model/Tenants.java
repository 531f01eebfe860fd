package io.taskgate.model;

/** Tenancy: every task belongs to one tenant. Until authentication exists, all share this one. */
public final class Tenants {

    public static final String DEFAULT = "default";

    private Tenants() {
    }
}
