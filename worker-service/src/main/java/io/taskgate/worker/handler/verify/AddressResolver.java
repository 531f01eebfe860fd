package io.taskgate.worker.handler.verify;

import io.smallrye.mutiny.Uni;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Turns a target's host into the addresses it stands for, without holding an event-loop thread:
 * a literal address is parsed in place; a name is looked up on a small worker pool of its own,
 * because the JVM's lookup (which also reads /etc/hosts) blocks, and a slow DNS server must not
 * starve anything else.
 */
final class AddressResolver {

    /** A blocking name lookup; {@code InetAddress::getAllByName} outside tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private final WorkerExecutor executor;
    private final Lookup lookup;

    AddressResolver(WorkerExecutor executor, Lookup lookup) {
        this.executor = executor;
        this.lookup = lookup;
    }

    Uni<List<InetAddress>> resolve(String host) {
        Optional<InetAddress> literal = Target.literalAddress(host);
        if (literal.isPresent()) {
            return Uni.createFrom().item(List.of(literal.get()));
        }
        return Uni.createFrom().completionStage(() -> executor
                .<List<InetAddress>>executeBlocking(() -> lookUp(host), false)
                .toCompletionStage());
    }

    private List<InetAddress> lookUp(String host) throws UnknownHostException {
        InetAddress[] addresses = lookup.lookup(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        return List.of(addresses);
    }
}
