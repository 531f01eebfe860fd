package io.taskgate.api.task;

import static io.taskgate.api.ProblemAssertions.expectProblem;
import static io.taskgate.api.TestCallers.asDefaultTenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestDatabase;
import org.junit.jupiter.api.Test;

/** Bodies and query strings that are almost right are refused, saying what is wrong, and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class StrictRequestTest {

    @Test
    void aBodyWithMoreThanOneJsonValueIsRefused() {
        refused("{\"type\":\"echo\",\"input\":{}} trailing", "malformed-json");
        refused("{\"type\":\"echo\",\"input\":{}}{\"type\":\"echo\",\"input\":{}}", "malformed-json");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        Response answer = refused("{\"type\":\"echo\",\"type\":\"flaky\",\"input\":{}}", "duplicate-field");
        assertThat(answer.<String>path("detail")).contains("line 1");
        refused("{\"type\":\"echo\",\"input\":{\"delayMs\":1,\"delayMs\":2}}", "duplicate-field");
    }

    @Test
    void aMisspeltFieldIsRefusedByName() {
        Response answer = refused("{\"type\":\"echo\",\"inptu\":{\"message\":\"hi\"}}", "unknown-field");
        assertThat(answer.<String>path("detail")).contains("'inptu'").contains("input, type");
    }

    @Test
    void aFieldOfTheWrongJsonTypeIsRefusedByName() {
        Response answer = refused("{\"type\":{\"name\":\"echo\"},\"input\":{}}", "invalid-field");
        assertThat(answer.<String>path("detail")).contains("'type'");
        refused("[\"echo\"]", "malformed-json");
        refused("{\"type\":\"echo\",\"input\":{", "malformed-json");
    }

    @Test
    void anInputPostgresCannotStoreIsRefusedAsInputNotAsAnOutage() {
        // jsonb holds no U+0000, neither in a value nor in a name.
        Response answer = refused("{\"type\":\"echo\",\"input\":{\"message\":\"a\\u0000b\"}}", "invalid-input");
        assertThat(answer.<String>path("detail")).contains("U+0000");
        assertThat(refused("{\"type\":\"echo\",\"input\":{\"list\":[{\"x\\u0000\":1}]}}", "invalid-input")
                .<String>path("detail")).contains("U+0000");
    }

    @Test
    void listFiltersThatAreNotWhatTheySeemAreRefused() {
        expectProblem(asDefaultTenant().get("/api/v1/tasks?status=xx"), 400, "invalid-status");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?status="), 400, "invalid-status");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?status=QUEUED&status=FAILED"), 400, "repeated-parameter");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?limit=5&limit=6"), 400, "repeated-parameter");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?limit=0"), 400, "invalid-limit");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?limit=201"), 400, "invalid-limit");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?limit="), 400, "invalid-limit");
        expectProblem(asDefaultTenant().get("/api/v1/tasks?type="), 400, "invalid-type");
        asDefaultTenant().get("/api/v1/tasks?status=queued&limit=200").then().statusCode(200);
    }

    @Test
    void aBodyNestedTooDeeplyIsRefused() {
        String deep = "[".repeat(200) + "]".repeat(200);
        Response answer = refused("{\"type\":\"echo\",\"input\":{\"message\":" + deep + "}}", "too-deep");
        assertThat(answer.jsonPath().getString("detail")).contains("64");
        // Nesting that real inputs use is fine.
        String fine = "[".repeat(20) + "]".repeat(20);
        asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"echo\",\"input\":{\"message\":" + fine + "}}")
                .post("/api/v1/tasks").then().statusCode(202);
    }

    @Test
    void aBodyOverTheSizeLimitIsA413Problem() {
        String huge = "{\"type\":\"echo\",\"input\":{\"message\":\"" + "x".repeat(1_100_000) + "\"}}";
        Response answer = asDefaultTenant().contentType(ContentType.JSON).body(huge).post("/api/v1/tasks");
        expectProblem(answer, 413, "body-too-large");
    }

    private static Response refused(String body, String slug) {
        long before = TestDatabase.count("SELECT count(*) FROM tasks");
        Response answer = asDefaultTenant().contentType(ContentType.JSON).body(body).post("/api/v1/tasks");
        expectProblem(answer, 400, slug);
        assertThat(answer.asString()).doesNotContain("java.").doesNotContain("io.taskgate").doesNotContain("jackson");
        assertThat(TestDatabase.count("SELECT count(*) FROM tasks")).isEqualTo(before);
        return answer;
    }
}
