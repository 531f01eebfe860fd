package io.taskgate.api.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a credential may do. A key holds any set of them. */
public enum Role {
    /** Submit and cancel tasks. */
    SUBMIT,
    /** Read tasks, list them, follow them over the WebSocket, read fleet health. */
    READ,
    /** Reserved for tenant administration; the operator's admin token stands above every role. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String name) {
        return Arrays.stream(values()).filter(role -> role.wireName().equals(name)).findFirst();
    }
}
