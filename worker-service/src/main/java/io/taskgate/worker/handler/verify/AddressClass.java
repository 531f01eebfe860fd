package io.taskgate.worker.handler.verify;

/** The kinds of IP address a verification may or may not reach. */
enum AddressClass {
    PUBLIC("public"),
    LOOPBACK("loopback"),
    PRIVATE("private"),
    LINK_LOCAL("link-local"),
    UNSPECIFIED("unspecified"),
    MULTICAST("multicast"),
    CARRIER_GRADE_NAT("carrier-grade NAT");

    private final String label;

    AddressClass(String label) {
        this.label = label;
    }

    /** How messages name the class: "a loopback address". */
    String label() {
        return label;
    }
}
