package io.taskgate.api.admin;

import static io.restassured.RestAssured.given;
import static io.taskgate.api.ProblemAssertions.expectProblem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.taskgate.api.RealInfrastructure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without a configured token the admin endpoints refuse everyone, whatever they send. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
@TestProfile(AdminDisabledTest.NoAdminToken.class)
class AdminDisabledTest {

    /** Unsets the token that src/test/resources/application.properties sets (an empty value means "not set"). */
    public static class NoAdminToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskgate.api.admin.token", "");
        }
    }

    @Test
    void adminEndpointsAre403WhenNoTokenIsConfigured() {
        expectProblem(given().get("/api/v1/admin/stuck-tasks"), 403, "admin-disabled");
        expectProblem(given().header("Authorization", "Bearer test-admin-token").get("/api/v1/admin/stuck-tasks"),
                403, "admin-disabled");
        expectProblem(given().header("Authorization", "Bearer ").contentType(ContentType.JSON)
                .body("{\"action\":\"fail\"}").post("/api/v1/admin/stuck-tasks/recover"), 403, "admin-disabled");
    }
}
