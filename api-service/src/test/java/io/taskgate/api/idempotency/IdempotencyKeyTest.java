package io.taskgate.api.idempotency;

import static io.taskgate.api.TestCallers.asDefaultTenant;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestCallers;
import io.taskgate.api.auth.Role;
import io.taskgate.api.TaskStream;
import io.taskgate.api.TestDatabase;
import io.taskgate.model.RedisNames;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on submit, against real PostgreSQL and Redis. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class IdempotencyKeyTest {

    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/api/v1/tasks")
    URI tasksUri;

    @Test
    void concurrentSubmitsWithOneKeyCreateExactlyOneTask() {
        String type = uniqueType();
        String nonce = UUID.randomUUID().toString();
        String body = "{\"type\":\"" + type + "\",\"input\":{\"nonce\":\"" + nonce + "\"}}";
        String key = "concurrent-" + nonce;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(tasksUri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestCallers.key("default", Role.SUBMIT, Role.READ))
                .header(KEY, key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, 50)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<HttpResponse<String>> answers = inFlight.stream().map(CompletableFuture::join).toList();

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202));
        List<String> ids = answers.stream().map(answer -> JsonPath.from(answer.body())
                .getString("id")).distinct().toList();
        assertThat(ids).hasSize(1);
        String id = ids.get(0);
        assertThat(answers).allSatisfy(answer ->
                assertThat(answer.headers().firstValue("Location")).contains("/api/v1/tasks/" + id));
        assertThat(answers.stream().filter(answer -> answer.headers().firstValue(REPLAYED).isEmpty()).count())
                .as("answers that created the task").isEqualTo(1);
        assertThat(answers.stream().filter(answer -> answer.headers().firstValue(REPLAYED).equals(
                Optional.of("true"))).count()).as("replayed answers").isEqualTo(49);

        assertThat(TestDatabase.count("SELECT count(*) FROM tasks WHERE input->>'nonce' = ?", nonce)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM tasks WHERE id = ?", UUID.fromString(id))).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM idempotency_keys WHERE key = ? AND task_id = ?",
                key, UUID.fromString(id))).isEqualTo(1);
        assertThat(TaskStream.countEntries("taskId", id)).isEqualTo(1);
        assertThat(TaskStream.countEntries("type", type)).as("entries for any task of this type").isEqualTo(1);
    }

    @Test
    void repeatedRequestIsAnsweredWithTheOriginalTask() {
        String key = "repeat-" + UUID.randomUUID();
        Response first = submit(key, "{\"type\":\"echo\",\"input\":{\"message\":\"hi\",\"steps\":2}}");
        first.then().statusCode(202).header(REPLAYED, nullValue());
        String id = first.path("id");
        long queued = redis.stream(String.class).xlen(RedisNames.TASK_STREAM);

        // The same request: members in another order, whitespace aside.
        Response again = submit(key, "{ \"input\": {\"steps\": 2, \"message\": \"hi\"}, \"type\": \"echo\" }");

        again.then().statusCode(202)
                .header(REPLAYED, "true")
                .header("Location", first.header("Location"))
                .body("id", equalTo(id))
                .body("status", equalTo("QUEUED"));
        assertThat(redis.stream(String.class).xlen(RedisNames.TASK_STREAM)).isEqualTo(queued);
        assertThat(TaskStream.countEntries("taskId", id)).isEqualTo(1);
    }

    @Test
    void sameKeyForADifferentRequestIs422() {
        String key = "reused-" + UUID.randomUUID();
        submit(key, "{\"type\":\"echo\",\"input\":{\"message\":\"one\"}}").then().statusCode(202);

        expectProblem(submit(key, "{\"type\":\"echo\",\"input\":{\"message\":\"two\"}}"),
                422, "idempotency-key-reused");
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, "other.type");
        expectProblem(submit(key, "{\"type\":\"other.type\",\"input\":{\"message\":\"one\"}}"),
                422, "idempotency-key-reused");
        assertThat(TestDatabase.count("SELECT count(*) FROM idempotency_keys WHERE key = ?", key)).isEqualTo(1);
    }

    @Test
    void missingInputAndEmptyInputAreTheSameRequest() {
        String key = "empty-" + UUID.randomUUID();
        String id = submit(key, "{\"type\":\"echo\"}").then().statusCode(202).extract().path("id");
        submit(key, "{\"type\":\"echo\",\"input\":{}}").then().statusCode(202)
                .header(REPLAYED, "true").body("id", equalTo(id));
    }

    @Test
    void differentKeysCreateDifferentTasks() {
        String body = "{\"type\":\"echo\",\"input\":{\"message\":\"same\"}}";
        String first = submit("first-" + UUID.randomUUID(), body).then().statusCode(202).extract().path("id");
        String second = submit("second-" + UUID.randomUUID(), body).then().statusCode(202).extract().path("id");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void keyOlderThanTheWindowNamesANewTask() {
        String key = "expired-" + UUID.randomUUID();
        String body = "{\"type\":\"echo\",\"input\":{\"message\":\"old\"}}";
        String oldId = submit(key, body).then().statusCode(202).extract().path("id");
        // The default window is 24 hours; this key was made 25 hours ago.
        TestDatabase.update("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ?", key);

        Response fresh = submit(key, body);

        fresh.then().statusCode(202).header(REPLAYED, nullValue());
        String newId = fresh.path("id");
        assertThat(newId).isNotEqualTo(oldId);
        assertThat(TestDatabase.value("SELECT task_id FROM idempotency_keys WHERE key = ?", key))
                .isEqualTo(UUID.fromString(newId));
        assertThat(TaskStream.countEntries("taskId", newId)).isEqualTo(1);
        asDefaultTenant().get("/api/v1/tasks/" + oldId).then().statusCode(200);
        submit(key, body).then().statusCode(202).header(REPLAYED, "true").body("id", equalTo(newId));
    }

    @Test
    void blankOrEmptyKeyIs400Problem() {
        expectProblem(submit("   ", "{\"type\":\"echo\"}"), 400, "invalid-idempotency-key");
        expectProblem(submit("", "{\"type\":\"echo\"}"), 400, "invalid-idempotency-key");
    }

    @Test
    void twoKeysOnOneRequestAre400Problem() {
        expectProblem(asDefaultTenant().contentType(ContentType.JSON).header(KEY, "one").header(KEY, "two")
                .body("{\"type\":\"echo\"}").post("/api/v1/tasks"), 400, "invalid-idempotency-key");
    }

    @Test
    void keyLongerThan255CharactersIs400Problem() {
        expectProblem(submit("k".repeat(256), "{\"type\":\"echo\"}"), 400, "invalid-idempotency-key");
        submit("k".repeat(255), "{\"type\":\"echo\"}").then().statusCode(202);
    }

    private static Response submit(String key, String body) {
        return asDefaultTenant().contentType(ContentType.JSON).header(KEY, key).body(body).post("/api/v1/tasks");
    }

    private String uniqueType() {
        String type = "idempotency.probe." + System.nanoTime();
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, type);
        return type;
    }
}
