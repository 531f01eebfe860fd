package io.taskgate.api.auth;

import static io.restassured.RestAssured.given;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestCallers;
import io.taskgate.api.TestDatabase;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who gets in: every way a credential can be missing, wrong, spent or too weak, and the way a good one works. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class AuthenticationTest {

    private static final String ADMIN = "Bearer test-admin-token";
    private static final String ECHO = "{\"type\":\"echo\",\"input\":{}}";

    @Test
    void aCallWithoutCredentialsIsRefusedWithAChallenge() {
        Response answer = given().contentType(ContentType.JSON).body(ECHO).post("/api/v1/tasks");
        expectProblem(answer, 401, "credentials-required");
        answer.then().header("WWW-Authenticate", "Bearer");
        expectProblem(given().get("/api/v1/tasks"), 401, "credentials-required");
        expectProblem(given().get("/api/v1/tasks/" + UUID.randomUUID()), 401, "credentials-required");
        expectProblem(given().post("/api/v1/tasks/" + UUID.randomUUID() + "/cancel"), 401, "credentials-required");
        expectProblem(given().get("/api/v1/health/circuit-breakers"), 401, "credentials-required");
    }

    @Test
    void malformedCredentialsAreRefusedSayingWhy() {
        expectProblem(given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/tasks"), 401,
                "credentials-malformed");
        expectProblem(given().header("Authorization", "Bearer ").get("/api/v1/tasks"), 401, "credentials-malformed");
        expectProblem(given().header("X-API-Key", "").get("/api/v1/tasks"), 401, "credentials-malformed");
        String good = TestCallers.key("default", Role.READ);
        expectProblem(given().header("Authorization", "Bearer " + good).header("X-API-Key", good + "x")
                .get("/api/v1/tasks"), 401, "credentials-malformed");
        expectProblem(given().header("Authorization", "Bearer not-a-key").get("/api/v1/tasks"), 401,
                "credentials-invalid");
        expectProblem(given().header("Authorization", "Bearer " + ApiKeySecret.generate()).get("/api/v1/tasks"), 401,
                "credentials-invalid");
    }

    @Test
    void aKeyWorksAsBearerOrAsXApiKey() {
        String key = TestCallers.key("default", Role.READ);
        given().header("Authorization", "Bearer " + key).get("/api/v1/tasks").then().statusCode(200);
        given().header("X-API-Key", key).get("/api/v1/tasks").then().statusCode(200);
        given().header("Authorization", "bearer " + key).get("/api/v1/tasks").then().statusCode(200);
    }

    @Test
    void aKeyWithoutTheRoleIsForbidden() {
        String reader = TestCallers.key("default", Role.READ);
        String submitter = TestCallers.key("default", Role.SUBMIT);
        expectProblem(given().header("Authorization", "Bearer " + reader).contentType(ContentType.JSON).body(ECHO)
                .post("/api/v1/tasks"), 403, "role-required");
        expectProblem(given().header("Authorization", "Bearer " + reader)
                .post("/api/v1/tasks/" + UUID.randomUUID() + "/cancel"), 403, "role-required");
        expectProblem(given().header("Authorization", "Bearer " + submitter).get("/api/v1/tasks"), 403,
                "role-required");
        given().header("Authorization", "Bearer " + submitter).contentType(ContentType.JSON).body(ECHO)
                .post("/api/v1/tasks").then().statusCode(202);
    }

    @Test
    void anIssuedKeyWorksIsListedWithoutItsSecretAndStopsAtOnceWhenRevoked() {
        String tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        Response issued = given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body("{\"name\":\"web app\",\"roles\":[\"submit\",\"read\"]}")
                .post("/api/v1/admin/tenants/" + tenant + "/api-keys");
        issued.then().statusCode(201).body("tenantId", equalTo(tenant)).body("name", equalTo("web app"))
                .body("roles", equalTo(List.of("read", "submit")));
        String key = issued.path("key");
        String id = issued.path("id");
        assertThat(key).startsWith("tgk_");
        assertThat(TestDatabase.value("SELECT key_hash FROM api_keys WHERE id = ?", UUID.fromString(id)))
                .isEqualTo(ApiKeySecret.hash(key)).isNotEqualTo(key);

        given().header("Authorization", "Bearer " + key).get("/api/v1/tasks").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Response listed = given().header("Authorization", ADMIN).get("/api/v1/admin/tenants/" + tenant + "/api-keys");
            listed.then().statusCode(200).body("items.size()", equalTo(1)).body("items[0].id", equalTo(id));
            assertThat(listed.asString()).doesNotContain(key).doesNotContain(ApiKeySecret.hash(key));
            assertThat((String) listed.path("items[0].lastUsedAt")).isNotNull();
        });

        given().header("Authorization", ADMIN).delete("/api/v1/admin/api-keys/" + id).then().statusCode(204);
        expectProblem(given().header("Authorization", "Bearer " + key).get("/api/v1/tasks"), 401,
                "credentials-revoked");
        given().header("Authorization", ADMIN).get("/api/v1/admin/tenants/" + tenant + "/api-keys")
                .then().statusCode(200).body("items.size()", equalTo(0));
        expectProblem(given().header("Authorization", ADMIN).delete("/api/v1/admin/api-keys/" + id), 404, "not-found");
    }

    @Test
    void anExpiredKeyIsRefused() {
        String tenant = "expiring";
        Response issued = given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body("{\"name\":\"short-lived\",\"roles\":[\"read\"],\"expiresAt\":\""
                        + OffsetDateTime.now(ZoneOffset.UTC).plusHours(1) + "\"}")
                .post("/api/v1/admin/tenants/" + tenant + "/api-keys");
        issued.then().statusCode(201);
        String key = issued.path("key");
        given().header("Authorization", "Bearer " + key).get("/api/v1/tasks").then().statusCode(200);

        TestDatabase.update("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ?",
                UUID.fromString(issued.path("id")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> expectProblem(
                given().header("Authorization", "Bearer " + key).get("/api/v1/tasks"), 401, "credentials-expired"));
    }

    @Test
    void aTenantsAdminKeyManagesItsOwnTenantsKeysOnly() {
        String tenantAdmin = TestCallers.key("acme-admins", Role.ADMIN);
        String body = "{\"name\":\"made by the tenant\",\"roles\":[\"read\"]}";
        Response issued = given().header("Authorization", "Bearer " + tenantAdmin).contentType(ContentType.JSON)
                .body(body).post("/api/v1/admin/tenants/acme-admins/api-keys");
        issued.then().statusCode(201);
        given().header("Authorization", "Bearer " + tenantAdmin).get("/api/v1/admin/tenants/acme-admins/api-keys")
                .then().statusCode(200);

        expectProblem(given().header("Authorization", "Bearer " + tenantAdmin).contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/tenants/someone-else/api-keys"), 403, "tenant-forbidden");
        expectProblem(given().header("Authorization", "Bearer " + tenantAdmin)
                .get("/api/v1/admin/tenants/someone-else/api-keys"), 403, "tenant-forbidden");
        String foreignKeyId = admin().body(body).post("/api/v1/admin/tenants/someone-else/api-keys").path("id");
        expectProblem(given().header("Authorization", "Bearer " + tenantAdmin)
                .delete("/api/v1/admin/api-keys/" + foreignKeyId), 404, "not-found");
        given().header("Authorization", "Bearer " + tenantAdmin).delete("/api/v1/admin/api-keys/" + issued.path("id"))
                .then().statusCode(204);

        // Fleet-wide recovery stays the operator's.
        expectProblem(given().header("Authorization", "Bearer " + tenantAdmin).get("/api/v1/admin/stuck-tasks"), 401,
                "admin-token-required");
        // An admin key is not a task key.
        expectProblem(given().header("Authorization", "Bearer " + tenantAdmin).get("/api/v1/tasks"), 403, "role-required");
    }

    @Test
    void keyManagementRefusesBadRequestsAndCallersWithoutTheAdminToken() {
        String body = "{\"name\":\"x\",\"roles\":[\"read\"]}";
        expectProblem(given().contentType(ContentType.JSON).body(body).post("/api/v1/admin/tenants/acme/api-keys"),
                401, "credentials-required");
        expectProblem(given().header("Authorization", "Bearer " + TestCallers.key("default", Role.SUBMIT, Role.READ))
                .contentType(ContentType.JSON).body(body).post("/api/v1/admin/tenants/acme/api-keys"),
                403, "role-required");
        expectProblem(given().header("Authorization", "Bearer not-the-admin-token")
                .contentType(ContentType.JSON).body(body).post("/api/v1/admin/tenants/acme/api-keys"),
                401, "credentials-invalid");
        expectProblem(admin().body(body).post("/api/v1/admin/tenants/Not%20Valid/api-keys"), 400, "invalid-tenant");
        expectProblem(admin().body("{\"roles\":[\"read\"]}").post("/api/v1/admin/tenants/acme/api-keys"), 400,
                "invalid-key-name");
        expectProblem(admin().body("{\"name\":\"x\",\"roles\":[]}").post("/api/v1/admin/tenants/acme/api-keys"), 400,
                "invalid-roles");
        expectProblem(admin().body("{\"name\":\"x\",\"roles\":[\"root\"]}").post("/api/v1/admin/tenants/acme/api-keys"),
                400, "invalid-roles");
        expectProblem(admin().body("{\"name\":\"x\",\"roles\":[\"read\"],\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .post("/api/v1/admin/tenants/acme/api-keys"), 400, "invalid-expiry");
        expectProblem(given().header("Authorization", ADMIN).delete("/api/v1/admin/api-keys/nope"), 400, "invalid-id");
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", ADMIN).contentType(ContentType.JSON);
    }
}
