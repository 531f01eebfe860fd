package io.taskgate.api.auth;

import static io.restassured.RestAssured.given;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.taskgate.api.RealInfrastructure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokens from an identity provider (signed here with a key made for these tests): the tenant and
 * roles come from their claims, and every way a token can be wrong is a 401 that says which.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class JwtAuthenticationTest {

    private static final String ECHO = "{\"type\":\"echo\",\"input\":{}}";
    private static final String ISSUER = "https://idp.test";

    @Test
    void aTokenActsForTheTenantAndWithTheRolesItsClaimsName() {
        String token = sign(claims("jwt-alpha", List.of("submit", "read")));
        String id = as(token).contentType(ContentType.JSON).body(ECHO).post("/api/v1/tasks")
                .then().statusCode(202).body("tenantId", equalTo("jwt-alpha")).extract().path("id");
        as(token).get("/api/v1/tasks/" + id).then().statusCode(200);

        String otherTenant = sign(claims("jwt-beta", List.of("read")));
        expectProblem(as(otherTenant).get("/api/v1/tasks/" + id), 404, "not-found");
    }

    @Test
    void rolesMayBeOneStringAndUnknownNamesAreIgnored() {
        String token = sign(Jwt.issuer(ISSUER).subject("someone").claim("tenant", "jwt-alpha")
                .claim("roles", "read offline_access").expiresIn(300));
        as(token).get("/api/v1/tasks").then().statusCode(200);
        expectProblem(as(token).contentType(ContentType.JSON).body(ECHO).post("/api/v1/tasks"), 403, "role-required");
    }

    @Test
    void aTokenWithoutTheRoleIsForbidden() {
        String readOnly = sign(claims("jwt-alpha", List.of("read")));
        expectProblem(as(readOnly).contentType(ContentType.JSON).body(ECHO).post("/api/v1/tasks"), 403, "role-required");
    }

    @Test
    void anExpiredTokenIsRefusedAsExpired() {
        String expired = sign(Jwt.issuer(ISSUER).subject("someone").claim("tenant", "jwt-alpha")
                .claim("roles", List.of("read")).issuedAt(Instant.now().minusSeconds(900))
                .expiresAt(Instant.now().minusSeconds(600)));
        expectProblem(as(expired).get("/api/v1/tasks"), 401, "credentials-expired");
    }

    @Test
    void aTokenFromAnotherIssuerOrSignedWithAnotherKeyIsInvalid() {
        String otherIssuer = sign(Jwt.issuer("https://elsewhere.test").subject("someone").claim("tenant", "jwt-alpha")
                .claim("roles", List.of("read")).expiresIn(300));
        expectProblem(as(otherIssuer).get("/api/v1/tasks"), 401, "credentials-invalid");

        String forged = claims("jwt-alpha", List.of("read")).jws().sign("jwt/foreign-private.pem");
        expectProblem(as(forged).get("/api/v1/tasks"), 401, "credentials-invalid");

        String signed = sign(claims("jwt-alpha", List.of("read")));
        String tampered = signed.substring(0, signed.length() - 4) + (signed.endsWith("AAAA") ? "BBBB" : "AAAA");
        expectProblem(as(tampered).get("/api/v1/tasks"), 401, "credentials-invalid");
    }

    @Test
    void aTokenThatNamesNoUsableTenantIsInvalid() {
        String noTenant = sign(Jwt.issuer(ISSUER).subject("someone").claim("roles", List.of("read")).expiresIn(300));
        expectProblem(as(noTenant).get("/api/v1/tasks"), 401, "credentials-invalid");
        String badTenant = sign(claims("Not A Tenant!", List.of("read")));
        expectProblem(as(badTenant).get("/api/v1/tasks"), 401, "credentials-invalid");
    }

    @Test
    void aTokenOpensTheWebSocketTicketFlowLikeAKey() {
        String token = sign(claims("jwt-alpha", List.of("read")));
        as(token).post("/api/v1/ws-tickets").then().statusCode(201);
    }

    private static JwtClaimsBuilder claims(String tenant, List<String> roles) {
        return Jwt.issuer(ISSUER).subject("user-1").claim("tenant", tenant).claim("roles", roles).expiresIn(300);
    }

    private static String sign(JwtClaimsBuilder claims) {
        return claims.jws().sign("jwt/private.pem");
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
