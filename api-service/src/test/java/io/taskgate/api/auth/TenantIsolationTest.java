package io.taskgate.api.auth;

import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestCallers;
import io.taskgate.api.TestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A tenant never reaches another's tasks over REST: each is "not found", and listings hold only its own. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class TenantIsolationTest {

    @Test
    void oneTenantsTasksAreInvisibleToAnother() {
        List<String> alphaTasks = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alphaTasks.add(TestCallers.asTenant("alpha").contentType(ContentType.JSON)
                    .body("{\"type\":\"echo\",\"input\":{\"n\":" + i + "}}").post("/api/v1/tasks")
                    .then().statusCode(202).body("tenantId", equalTo("alpha")).extract().path("id"));
        }
        String betaTask = TestCallers.asTenant("beta").contentType(ContentType.JSON)
                .body("{\"type\":\"echo\",\"input\":{}}").post("/api/v1/tasks").then().statusCode(202)
                .extract().path("id");

        for (String id : alphaTasks) {
            expectProblem(TestCallers.asTenant("beta").get("/api/v1/tasks/" + id), 404, "not-found");
            expectProblem(TestCallers.asTenant("beta").post("/api/v1/tasks/" + id + "/cancel"), 404, "not-found");
            TestCallers.asTenant("alpha").get("/api/v1/tasks/" + id).then().statusCode(200);
        }
        List<String> listedForBeta = TestCallers.asTenant("beta").get("/api/v1/tasks?limit=200")
                .then().statusCode(200).extract().path("items.id");
        assertThat(listedForBeta).contains(betaTask).doesNotContainAnyElementsOf(alphaTasks);
        List<String> listedForAlpha = TestCallers.asTenant("alpha").get("/api/v1/tasks?limit=200")
                .then().statusCode(200).extract().path("items.id");
        assertThat(listedForAlpha).containsAll(alphaTasks).doesNotContain(betaTask);
        // The refused cancels changed nothing.
        assertThat(alphaTasks).allSatisfy(id -> assertThat(
                TestDatabase.value("SELECT status FROM tasks WHERE id = ?", UUID.fromString(id))).isEqualTo("QUEUED"));
    }
}
