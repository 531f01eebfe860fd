package io.taskgate.worker.handler.verify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which targets a verification may reach: host names on the allow-list, and only addresses
 * outside the worker's own networks unless private addresses are allowed. Pure: no lookups, no
 * I/O; the caller resolves names and asks about each address.
 */
final class TargetPolicy {

    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private final List<String> exactHosts;
    private final List<String> suffixes;
    private final boolean allowPrivateAddresses;

    TargetPolicy(List<String> allowedHosts, boolean allowPrivateAddresses) {
        this.exactHosts = allowedHosts.stream()
                .filter(entry -> !entry.trim().startsWith("*."))
                .map(TargetPolicy::exactEntry)
                .toList();
        this.suffixes = allowedHosts.stream()
                .filter(entry -> entry.trim().startsWith("*."))
                .map(TargetPolicy::suffixEntry)
                .toList();
        this.allowPrivateAddresses = allowPrivateAddresses;
    }

    static TargetPolicy of(VerifyConfig config) {
        return new TargetPolicy(config.allowedHosts().orElse(List.of()), config.allowPrivateAddresses());
    }

    /** Why {@code host} (normalized, see {@link Target#normalizeHost}) may not be called, if it may not. */
    Optional<String> refuseHost(String host) {
        if (exactHosts.contains(Target.isIpLiteral(host) ? canonicalAddress(host) : host)) {
            return Optional.empty();
        }
        // A pattern covers names below its suffix; an IP literal is never matched by a pattern.
        if (!Target.isIpLiteral(host) && suffixes.stream().anyMatch(suffix -> host.endsWith("." + suffix))) {
            return Optional.empty();
        }
        return Optional.of("host " + host + " is not in allowed-hosts");
    }

    /** Why {@code address} may not be connected to, if it may not. */
    Optional<String> refuseAddress(InetAddress address) {
        AddressClass kind = classify(address);
        if (kind == AddressClass.PUBLIC || allowPrivateAddresses) {
            return Optional.empty();
        }
        return Optional.of("a " + kind.label() + " address");
    }

    /** The class of an address; IPv4 addresses carried inside IPv6 ones are judged as IPv4. */
    static AddressClass classify(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            Optional<Inet4Address> embedded = embeddedIpv4(v6.getAddress());
            if (embedded.isPresent()) {
                return classify(embedded.get());
            }
        }
        if (address.isAnyLocalAddress()) {
            return AddressClass.UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return AddressClass.LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return AddressClass.LINK_LOCAL;
        }
        if (address.isMulticastAddress()) {
            return AddressClass.MULTICAST;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyIpv4(bytes);
        }
        // fc00::/7 unique local; isSiteLocalAddress covers the retired fec0::/10 site-local.
        if ((bytes[0] & 0xfe) == 0xfc || address.isSiteLocalAddress()) {
            return AddressClass.PRIVATE;
        }
        return AddressClass.PUBLIC;
    }

    private static AddressClass classifyIpv4(byte[] bytes) {
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        if (first == 0) {
            // 0.0.0.0/8 "this network": connecting to it reaches the local host on many systems.
            return AddressClass.UNSPECIFIED;
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return AddressClass.PRIVATE;
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return AddressClass.CARRIER_GRADE_NAT;
        }
        return AddressClass.PUBLIC;
    }

    /**
     * The IPv4 address inside an IPv4-compatible ({@code ::a.b.c.d}), NAT64 ({@code 64:ff9b::a.b.c.d})
     * or 6to4 ({@code 2002:aabb:ccdd::}) IPv6 address, through which an IPv4 target could otherwise
     * be reached in disguise. (IPv4-mapped {@code ::ffff:a.b.c.d} already arrives as IPv4 from Java.)
     */
    private static Optional<Inet4Address> embeddedIpv4(byte[] v6) {
        byte[] prefix = Arrays.copyOfRange(v6, 0, 12);
        int from;
        if (Arrays.equals(prefix, new byte[12])) {
            // :: and ::1 are themselves (unspecified, loopback); the rest of ::/96 embeds IPv4.
            boolean unspecifiedOrLoopback = v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] == 0 || v6[15] == 1);
            from = unspecifiedOrLoopback ? -1 : 12;
        } else if (Arrays.equals(prefix, NAT64_PREFIX)) {
            from = 12;
        } else if (v6[0] == 0x20 && v6[1] == 0x02) {
            from = 2;
        } else {
            from = -1;
        }
        if (from < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(v6, from, from + 4)));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String exactEntry(String entry) {
        String host = Target.normalizeHost(entry.trim());
        if (host.isEmpty() || host.contains("*") || host.contains("/")) {
            throw badEntry(entry, "is neither a host name, an IP address nor a *.suffix pattern");
        }
        try {
            return Target.isIpLiteral(host) ? canonicalAddress(host) : host;
        } catch (IllegalArgumentException e) {
            throw badEntry(entry, "is not a valid IP address");
        }
    }

    private static String suffixEntry(String entry) {
        String suffix = Target.normalizeHost(entry.trim().substring(2));
        if (suffix.isEmpty() || suffix.contains("*") || Target.isIpLiteral(suffix)) {
            throw badEntry(entry, "is not a *.suffix pattern over a domain name");
        }
        return suffix;
    }

    private static IllegalArgumentException badEntry(String entry, String problem) {
        return new IllegalArgumentException("taskgate.verify.allowed-hosts: '" + entry + "' " + problem);
    }

    /** One spelling per address, so "::1" and "0:0:0:0:0:0:0:1" match each other. */
    private static String canonicalAddress(String literal) {
        return Target.literalAddress(literal).map(InetAddress::getHostAddress).orElse(literal);
    }
}
