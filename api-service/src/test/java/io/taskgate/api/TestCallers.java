package io.taskgate.api;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import io.taskgate.api.auth.ApiKeySecret;
import io.taskgate.api.auth.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * API keys for the tests, written straight into the test database. Each key is derived from its
 * tenant and roles, so the same caller always has the same key, whichever database the current
 * Quarkus test run uses.
 */
public final class TestCallers {

    private TestCallers() {
    }

    /** A request of the {@code default} tenant with the roles to submit and read. */
    public static RequestSpecification asDefaultTenant() {
        return asTenant("default");
    }

    public static RequestSpecification asTenant(String tenant) {
        return given().header("Authorization", "Bearer " + key(tenant, Role.SUBMIT, Role.READ));
    }

    /** The key of {@code tenant} holding exactly {@code roles}, stored if it is not yet. */
    public static String key(String tenant, Role... roles) {
        String roleList = Arrays.stream(roles).map(Role::wireName).sorted().collect(Collectors.joining(","));
        String key = ApiKeySecret.PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha256("test:" + tenant + ":" + roleList));
        TestDatabase.update("INSERT INTO api_keys (id, tenant_id, name, roles, key_hash, created_at) "
                        + "VALUES (?, ?, ?, CAST(? AS text[]), ?, ?) ON CONFLICT (key_hash) DO NOTHING",
                UUID.randomUUID(), tenant, "test " + roleList, "{" + roleList + "}", ApiKeySecret.hash(key),
                OffsetDateTime.now(ZoneOffset.UTC));
        return key;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
