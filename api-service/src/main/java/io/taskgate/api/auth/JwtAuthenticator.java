package io.taskgate.api.auth;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.taskgate.api.config.ApiConfig;
import io.taskgate.api.context.CallerContext;
import io.taskgate.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Signed tokens from the operator's identity provider: the signature, issuer, audience and
 * expiry are checked by SmallRye JWT, the tenant and roles read from configured claims. A
 * verified token is remembered (by its hash) for the key cache's time, never past its expiry,
 * so a busy token is not verified on every request.
 */
@ApplicationScoped
public class JwtAuthenticator {

    private static final int MAX_CACHED = 10_000;

    private final JWTParser parser;
    private final ApiConfig.Jwt config;
    private final Duration cacheTtl;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(Caller caller, Instant until) {
    }

    public JwtAuthenticator(JWTParser parser, ApiConfig config) {
        this.parser = parser;
        this.config = config.auth().jwt();
        this.cacheTtl = config.auth().cacheTtl();
    }

    /** Whether this credential is for this authenticator: tokens are on, and it has a JWT's three parts. */
    public boolean accepts(String credential) {
        return config.enabled() && credential.chars().filter(c -> c == '.').count() == 2;
    }

    public Uni<Caller> authenticate(String token) {
        String hash = ApiKeySecret.hash(token);
        Instant now = Instant.now();
        Verified known = verified.get(hash);
        if (known != null && known.until().isAfter(now)) {
            return Uni.createFrom().item(known.caller());
        }
        // Verifying may fetch the provider's key set over HTTP: never on the event loop. The
        // request then goes on on its own context, where its database session lives.
        return CallerContext.backOnCallersContext(Uni.createFrom().item(() -> verify(token, hash, now))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    private Caller verify(String token, String hash, Instant now) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw refusal(e);
        }
        Caller caller = new Caller(tenantOf(jwt), rolesOf(jwt), "jwt:" + subjectOf(jwt));
        Instant expires = Instant.ofEpochSecond(jwt.getExpirationTime());
        Instant until = now.plus(cacheTtl).isBefore(expires) ? now.plus(cacheTtl) : expires;
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(hash, new Verified(caller, until));
        return caller;
    }

    private String tenantOf(JsonWebToken jwt) {
        Object claim = jwt.getClaim(config.tenantClaim());
        String tenant = claim instanceof JsonString string ? string.getString() : claim == null ? null : claim.toString();
        if (!ApiKeyAdminResource.isTenantName(tenant)) {
            throw unauthorized("credentials-invalid", "the token's '" + config.tenantClaim()
                    + "' claim must name a tenant (1-64 characters of a-z, 0-9, '.', '_' and '-')");
        }
        return tenant;
    }

    /** Roles the token names; names that are not Taskgate roles are ignored (a provider's other groups). */
    private Set<Role> rolesOf(JsonWebToken jwt) {
        Object claim = jwt.getClaim(config.rolesClaim());
        Stream<String> names;
        if (claim instanceof JsonArray array) {
            names = array.stream().filter(value -> value.getValueType() == JsonValue.ValueType.STRING)
                    .map(value -> ((JsonString) value).getString());
        } else if (claim instanceof Collection<?> collection) {
            names = collection.stream().map(String::valueOf);
        } else if (claim instanceof JsonString string) {
            names = Arrays.stream(string.getString().split("[\\s,]+"));
        } else if (claim instanceof String string) {
            names = Arrays.stream(string.split("[\\s,]+"));
        } else {
            names = Stream.empty();
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.map(Role::fromWire).flatMap(Optional::stream).forEach(roles::add);
        return roles;
    }

    private static String subjectOf(JsonWebToken jwt) {
        String subject = jwt.getSubject();
        return subject != null ? subject : String.valueOf(jwt.getName());
    }

    /** Why the token was refused, in words that never repeat the token. */
    private static ProblemException refusal(ParseException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InvalidJwtException invalid && invalid.hasExpired()) {
            return unauthorized("credentials-expired", "the token has expired");
        }
        return unauthorized("credentials-invalid",
                "the token is not valid here (signature, issuer, audience or lifetime)");
    }

    private static ProblemException unauthorized(String type, String detail) {
        return ProblemException.unauthorized(type, detail, "Bearer");
    }
}
