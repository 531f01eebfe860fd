package io.taskgate.api.task;

import static io.taskgate.api.TestCallers.asDefaultTenant;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.model.RedisNames;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Submission and reading against real PostgreSQL and Redis; no worker runs here, so tasks stay queued. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class TaskApiTest {

    @Inject
    RedisDataSource redis;

    @Test
    void acceptedTaskIsStoredAndQueuedBeforeTheAnswer() {
        long queuedBefore = redis.stream(String.class).xlen(RedisNames.TASK_STREAM);

        Response accepted = asDefaultTenant().contentType(ContentType.JSON)
                .body("{\"type\":\"echo\",\"input\":{\"message\":\"hi\"}}")
                .post("/api/v1/tasks");

        accepted.then().statusCode(202)
                .header("Location", startsWith("/api/v1/tasks/"))
                .body("status", equalTo("QUEUED"))
                .body("type", equalTo("echo"))
                .body("attempts", equalTo(0))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("result", nullValue());
        String id = accepted.path("id");
        assertThat(accepted.header("Location")).isEqualTo("/api/v1/tasks/" + id);

        var entries = redis.stream(String.class).xrange(RedisNames.TASK_STREAM,
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"));
        assertThat(entries).hasSize((int) queuedBefore + 1);
        assertThat(entries.get(entries.size() - 1).payload()).containsEntry("taskId", id).containsEntry("type", "echo");

        asDefaultTenant().get(accepted.header("Location")).then().statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("QUEUED"))
                .body("progress", nullValue())
                .body("error", nullValue())
                .body("startedAt", nullValue())
                .body("finishedAt", nullValue())
                .body("createdAt", notNullValue());
    }

    @Test
    void missingInputMeansAnEmptyObject() {
        asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"echo\"}").post("/api/v1/tasks")
                .then().statusCode(202).body("status", equalTo("QUEUED"));
    }

    @Test
    void typesDeclaredByAWorkerAreAccepted() {
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, "custom.resize");
        asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"custom.resize\",\"input\":{}}").post("/api/v1/tasks")
                .then().statusCode(202);
    }

    @Test
    void unknownIdIs404Problem() {
        expectProblem(asDefaultTenant().get("/api/v1/tasks/01900000-0000-7000-8000-000000000000"), 404, "not-found");
    }

    @Test
    void idThatIsNotAUuidIs400Problem() {
        expectProblem(asDefaultTenant().get("/api/v1/tasks/12345"), 400, "invalid-id");
    }

    @Test
    void malformedJsonIs400Problem() {
        expectProblem(submit("{\"type\": \"echo\", "), 400, "malformed-json");
    }

    @Test
    void wrongJsonShapeIs400Problem() {
        expectProblem(submit("[1, 2, 3]"), 400, "malformed-json");
    }

    @Test
    void missingTypeIs400Problem() {
        expectProblem(submit("{\"input\":{}}"), 400, "missing-type");
    }

    @Test
    void unknownTypeIs400Problem() {
        expectProblem(submit("{\"type\":\"no.such.handler\",\"input\":{}}"), 400, "unknown-type");
    }

    @Test
    void badlyNamedTypeIs400Problem() {
        expectProblem(submit("{\"type\":\"Echo Me!\",\"input\":{}}"), 400, "invalid-type");
    }

    @Test
    void inputThatIsNotAnObjectIs400Problem() {
        expectProblem(submit("{\"type\":\"echo\",\"input\":[1]}"), 400, "invalid-input");
    }

    @Test
    void emptyBodyIs400Problem() {
        expectProblem(asDefaultTenant().contentType(ContentType.JSON).post("/api/v1/tasks"), 400, "missing-body");
    }

    @Test
    void nothingIsStoredForARefusedSubmission() {
        long queuedBefore = redis.stream(String.class).xlen(RedisNames.TASK_STREAM);
        submit("{\"type\":\"no.such.handler\"}").then().statusCode(400);
        assertThat(redis.stream(String.class).xlen(RedisNames.TASK_STREAM)).isEqualTo(queuedBefore);
    }

    @Test
    void unknownPathIs404Problem() {
        expectProblem(asDefaultTenant().get("/api/v1/nothing-here"), 404, "http-404");
    }

    private static Response submit(String body) {
        return asDefaultTenant().contentType(ContentType.JSON).body(body).post("/api/v1/tasks");
    }

}
