package io.taskgate.worker.handler.verify;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sends a verification's request and follows its redirects by hand, so that every hop passes the
 * same checks as the first: the host must be allow-listed, every address it resolves to must be
 * allowed, and the connection goes to the vetted address itself. A second, different DNS answer
 * between the check and the connection therefore cannot redirect the request; the original host
 * name still goes out in the Host header and, for https, in SNI and the certificate check.
 */
final class VerifyClient {

    /** The final response: where it came from, its status, and its body if it was read. */
    record Answer(Target target, int status, byte[] body) {
    }

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final String USER_AGENT = "Taskgate-Verify";

    private final HttpClient client;
    private final TargetPolicy policy;
    private final AddressResolver resolver;
    private final VerifyConfig config;

    VerifyClient(HttpClient client, TargetPolicy policy, AddressResolver resolver, VerifyConfig config) {
        this.client = client;
        this.policy = policy;
        this.resolver = resolver;
        this.config = config;
    }

    Uni<Answer> fetch(VerifyRequest request) {
        return follow(Hop.first(request), request.expect(), 0);
    }

    private Uni<Answer> follow(Hop hop, Expectation expect, int redirects) {
        return vet(hop.target(), redirects > 0)
                .chain(address -> exchange(hop, address, expect))
                .chain(response -> {
                    // A redirect the expectation accepts is itself the answer.
                    if (!REDIRECTS.contains(response.status()) || response.location() == null
                            || expect.acceptsStatus(response.status())) {
                        return Uni.createFrom().item(new Answer(hop.target(), response.status(), response.body()));
                    }
                    if (redirects >= config.maxRedirects()) {
                        return Uni.createFrom().failure(VerifyFailures.verificationFailed("still redirected ("
                                + response.status() + ") after max-redirects (" + config.maxRedirects() + ") hops"));
                    }
                    return Uni.createFrom().deferred(() -> follow(
                            hop.redirectedTo(redirectTarget(hop.target(), response.location()), response.status()),
                            expect, redirects + 1));
                });
    }

    private static Target redirectTarget(Target from, String location) {
        try {
            return from.resolve(location);
        } catch (IllegalArgumentException e) {
            // The Location itself is not shown: it may carry a token.
            throw VerifyFailures.targetNotAllowed("redirect not allowed: its Location " + e.getMessage());
        }
    }

    /** The address to connect to, once the host and every address it stands for are allowed. */
    private Uni<InetAddress> vet(Target target, boolean redirect) {
        String refused = (redirect ? "redirect to " : "target ") + target.origin() + " not allowed: ";
        Optional<String> hostRefusal = policy.refuseHost(target.host());
        if (hostRefusal.isPresent()) {
            return Uni.createFrom().failure(VerifyFailures.targetNotAllowed(refused + hostRefusal.get()));
        }
        String verb = target.hostIsLiteral() ? " is " : " resolves to ";
        return resolver.resolve(target.host())
                .onFailure().transform(failure -> VerifyFailures.fromTransport(failure, target.origin()))
                .map(addresses -> firstAllowed(addresses, refused + target.host() + verb));
    }

    /** Every address must pass: a name that also points inward is refused, not half-trusted. */
    private InetAddress firstAllowed(List<InetAddress> addresses, String refusedPrefix) {
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refuseAddress(address);
            if (refusal.isPresent()) {
                throw VerifyFailures.targetNotAllowed(refusedPrefix + refusal.get());
            }
        }
        return addresses.get(0);
    }

    private Uni<HttpExchange.Response> exchange(Hop hop, InetAddress address, Expectation expect) {
        Target target = hop.target();
        RequestOptions options = new RequestOptions()
                .setMethod(hop.method())
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, target.port())))
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.https())
                .setURI(target.pathAndQuery())
                .setFollowRedirects(false)
                .setIdleTimeout(config.firstByteTimeout().toMillis())
                .putHeader(HttpHeaders.HOST, target.authority());
        hop.headers().forEach(options::putHeader);
        if (!hasHeader(hop, "User-Agent")) {
            options.putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
        }
        Buffer payload = null;
        if (hop.body() != null) {
            payload = Buffer.buffer(hop.body().toString());
            if (!hasHeader(hop, "Content-Type")) {
                options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            }
        }
        return HttpExchange.send(client, options, payload, target.origin(), config.maxResponseBytes(),
                expect::acceptsStatus);
    }

    private static boolean hasHeader(Hop hop, String name) {
        return hop.headers().keySet().stream().anyMatch(name::equalsIgnoreCase);
    }
}
