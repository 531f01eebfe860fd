package io.taskgate.worker.handler.verify;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where one request goes: an http or https URL split into what the connection needs (host, port,
 * TLS) and what the request line needs (path and query).
 *
 * @param host lower case, without a trailing dot, an IPv6 literal without its brackets
 */
record Target(boolean https, String host, int port, String pathAndQuery) {

    static final int MAX_URL_LENGTH = 4096;

    /** Parses a URL given in a task's input; refuses anything but a plain http(s) URL. */
    static Target parse(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_URL_LENGTH + " characters");
        }
        try {
            return of(new URI(url));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }

    /** The target a redirect's {@code Location} names, relative to this one. */
    Target resolve(String location) {
        try {
            return of(toUri().resolve(new URI(location)));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }

    /** The scheme of a URL that is not http or https, for messages about it. */
    static Optional<String> foreignScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? Optional.empty() : Optional.of(scheme);
    }

    private static Target of(URI uri) {
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw new IllegalArgumentException("must be an absolute http or https URL");
        }
        Optional<String> foreign = foreignScheme(uri);
        if (foreign.isPresent()) {
            throw new IllegalArgumentException("uses '" + foreign.get() + "': only http and https are allowed");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not carry credentials before the host; send them in a header");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            // java.net.URI leaves the host out when it is not a valid name (an underscore, say).
            throw new IllegalArgumentException(
                    "has no valid host name (international names must be written in their xn-- form)");
        }
        String normalizedHost = normalizeHost(host);
        if (normalizedHost.isEmpty()) {
            throw new IllegalArgumentException("has no valid host name");
        }
        literalAddress(normalizedHost);
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("has port " + port + ", outside 1..65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(https, normalizedHost, port, pathAndQuery);
    }

    /** Lower case, no trailing dot, no IPv6 brackets: the form allow-list entries are compared in. */
    static String normalizeHost(String host) {
        String normalized = host.toLowerCase(Locale.ROOT);
        if (normalized.startsWith("[") && normalized.endsWith("]")) {
            normalized = normalized.substring(1, normalized.length() - 1);
        }
        while (normalized.endsWith(".")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return normalized;
    }

    /** Whether the host is written as an address rather than a name. */
    boolean hostIsLiteral() {
        return isIpLiteral(host);
    }

    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /**
     * The address a literal host stands for, parsed without any name lookup; empty for a name.
     *
     * @throws IllegalArgumentException for something written like an address that is none
     */
    static Optional<InetAddress> literalAddress(String host) {
        if (!isIpLiteral(host)) {
            return Optional.empty();
        }
        if (!host.contains(":") && Arrays.stream(host.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            throw new IllegalArgumentException("has an invalid IPv4 address " + host);
        }
        try {
            // Brackets make Java parse an IPv6 literal or fail, never fall back to a lookup;
            // a dotted quad checked above is always parsed as one.
            return Optional.of(InetAddress.getByName(host.contains(":") ? "[" + host + "]" : host));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("has an invalid IP address " + host);
        }
    }

    /** Host and port as the Host header carries them: the port only when it is not the scheme's own. */
    String authority() {
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return port == (https ? 443 : 80) ? shownHost : shownHost + ":" + port;
    }

    /** Scheme, host and port: how messages name the target without its path or query. */
    String origin() {
        return (https ? "https" : "http") + "://" + authority();
    }

    boolean sameOrigin(Target other) {
        return https == other.https && host.equals(other.host) && port == other.port;
    }

    private URI toUri() {
        return URI.create(origin() + pathAndQuery);
    }
}
