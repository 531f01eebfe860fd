package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import io.taskgate.api.problem.Problem;
import io.taskgate.api.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * API-key management: issue a key for a tenant (the key is in this one answer and nowhere else),
 * list a tenant's keys without secrets, revoke one. The operator's admin token manages every
 * tenant's keys; a key with the {@code admin} role manages its own tenant's.
 */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@Tag(name = "admin")
@SecurityRequirement(name = "adminToken")
@SecurityRequirement(name = "apiKey")
public class ApiKeyAdminResource {

    /** Tenant names end up in URLs, logs and metrics: keep them short and plain. */
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MAX_NAME = 100;

    /** What a new key is for; {@code expiresAt} is optional. */
    public record CreateApiKey(String name, List<String> roles, OffsetDateTime expiresAt) {
    }

    public record ApiKeyView(UUID id, String tenantId, String name, List<String> roles, OffsetDateTime createdAt,
            OffsetDateTime lastUsedAt, OffsetDateTime expiresAt) {

        static ApiKeyView of(StoredApiKey key) {
            return new ApiKeyView(key.id(), key.tenantId(), key.name(),
                    key.roles().stream().map(Role::wireName).sorted().toList(), key.createdAt(), key.lastUsedAt(),
                    key.expiresAt());
        }
    }

    /** A new key with its secret, shown once. */
    public record IssuedApiKey(UUID id, String tenantId, String name, List<String> roles, OffsetDateTime createdAt,
            OffsetDateTime expiresAt, String key) {
    }

    public record ApiKeyList(List<ApiKeyView> items) {
    }

    private final ApiKeyStore store;
    private final ApiKeyAuthenticator authenticator;
    private final CurrentCaller current;

    public ApiKeyAdminResource(ApiKeyStore store, ApiKeyAuthenticator authenticator, CurrentCaller current) {
        this.store = store;
        this.authenticator = authenticator;
        this.current = current;
    }

    @POST
    @Path("tenants/{tenant}/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue an API key", description = "The answer holds the key itself; it is stored only as "
            + "a hash and cannot be shown again.")
    @APIResponse(responseCode = "201", description = "Issued")
    @APIResponse(responseCode = "400", description = "Bad tenant name, name, roles or expiry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<IssuedApiKey>> issue(@PathParam("tenant") String tenant, CreateApiKey request) {
        String tenantId = checkedTenant(tenant);
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > MAX_NAME) {
            throw ProblemException.badRequest("invalid-key-name", "'name' is required, 1-" + MAX_NAME + " characters");
        }
        Set<Role> roles = checkedRoles(request.roles());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw ProblemException.badRequest("invalid-expiry", "'expiresAt' must lie in the future");
        }
        String key = ApiKeySecret.generate();
        String hash = ApiKeySecret.hash(key);
        return store.insert(UUID.randomUUID(), tenantId, request.name().strip(), roles, hash, now, request.expiresAt())
                .invoke(() -> authenticator.forget(hash))
                .map(stored -> RestResponse.status(RestResponse.Status.CREATED, new IssuedApiKey(stored.id(),
                        stored.tenantId(), stored.name(), ApiKeyView.of(stored).roles(), stored.createdAt(),
                        stored.expiresAt(), key)));
    }

    @GET
    @Path("tenants/{tenant}/api-keys")
    @Operation(summary = "List a tenant's API keys", description = "Keys that are not revoked, without secrets.")
    public Uni<ApiKeyList> list(@PathParam("tenant") String tenant) {
        return store.listForTenant(checkedTenant(tenant))
                .map(keys -> new ApiKeyList(keys.stream().map(ApiKeyView::of).toList()));
    }

    @DELETE
    @Path("api-keys/{id}")
    @Operation(summary = "Revoke an API key", description = "Refused at once on this instance, and on every other "
            + "instance within taskgate.api.auth.cache-ttl (1 s).")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such key, or revoked already",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<Void>> revoke(@PathParam("id") String id) {
        UUID keyId;
        try {
            keyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-id", "'" + id + "' is not an API key id");
        }
        Caller caller = current.get();
        // A tenant's admin key revokes its own tenant's keys; another tenant's key is "no such key".
        return store.revoke(keyId, caller.operator() ? null : caller.tenantId(), OffsetDateTime.now(ZoneOffset.UTC))
                .map(revoked -> {
                    if (revoked.isEmpty()) {
                        throw ProblemException.notFound("no API key with id " + id + " that is not revoked");
                    }
                    authenticator.forgetAll();
                    return RestResponse.<Void>noContent();
                });
    }

    /** Whether a name may be a tenant's: what keys are issued for and tokens may name. */
    static boolean isTenantName(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    private String checkedTenant(String tenant) {
        if (!isTenantName(tenant)) {
            throw ProblemException.badRequest("invalid-tenant",
                    "a tenant name is 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
        if (!current.get().actsFor(tenant)) {
            throw ProblemException.forbidden("tenant-forbidden",
                    "an admin key manages the keys of its own tenant only");
        }
        return tenant;
    }

    private static Set<Role> checkedRoles(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw ProblemException.badRequest("invalid-roles", "'roles' must list at least one of submit, read, admin");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            roles.add(Role.fromWire(name).orElseThrow(() -> ProblemException.badRequest("invalid-roles",
                    "'" + name + "' is not a role; the roles are submit, read and admin")));
        }
        return roles;
    }
}
