package io.taskgate.api.auth;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Short-lived, single-use tickets for opening a WebSocket from a browser, which cannot put an
 * {@code Authorization} header on the upgrade. An authenticated call trades its credential for a
 * ticket; the upgrade presents it as {@code ?ticket=…}, and redeeming it deletes it (GETDEL), on
 * whichever api instance the socket lands. Only the ticket's hash is stored, for its lifetime.
 */
@ApplicationScoped
public class SocketTickets {

    public static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final String KEY_PREFIX = "taskgate:ws-ticket:";
    private static final String PREFIX = "tgt_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    public record Ticket(String ticket, Instant expiresAt) {
    }

    private final ReactiveValueCommands<String, String> values;

    public SocketTickets(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    public Uni<Ticket> issue(Caller caller) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant expiresAt = Instant.now().plus(LIFETIME);
        return values.set(KEY_PREFIX + ApiKeySecret.hash(ticket), encode(caller), new SetArgs().px(LIFETIME))
                .onFailure().transform(SocketTickets::unavailable)
                .replaceWith(new Ticket(ticket, expiresAt));
    }

    /** The caller the ticket was issued to, once: a second redemption, or one after expiry, finds nothing. */
    public Uni<Optional<Caller>> redeem(String ticket) {
        if (ticket == null || !ticket.startsWith(PREFIX) || ticket.length() > 64) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.getdel(KEY_PREFIX + ApiKeySecret.hash(ticket))
                .onFailure().transform(SocketTickets::unavailable)
                .map(stored -> Optional.ofNullable(stored).flatMap(SocketTickets::decode));
    }

    /** Redis away: the caller is told to come back, as for any other store that is down. */
    private static Throwable unavailable(Throwable failure) {
        return ProblemException.unavailable("tickets-unavailable",
                "WebSocket tickets cannot be issued or checked right now; try again", RETRY_AFTER, failure);
    }

    private static String encode(Caller caller) {
        String roles = caller.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(","));
        return caller.tenantId() + "|" + roles + "|" + caller.principal();
    }

    private static Optional<Caller> decode(String stored) {
        String[] parts = stored.split("\\|", 3);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(parts[1].split(",")).map(Role::fromWire).flatMap(Optional::stream).forEach(roles::add);
        return Optional.of(new Caller(parts[0], roles, parts[2]));
    }
}
