package io.taskgate.api.task;

import static io.taskgate.api.ProblemAssertions.expectProblem;
import static io.taskgate.api.TestCallers.asDefaultTenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.model.RedisNames;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A type whose worker announced an input schema: a submission whose input does not fit is a 400
 * that names the field, before anything is stored; one that fits is accepted.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class InputSchemaTest {

    private static final String SCHEMA = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["url"],
             "properties":{"url":{"type":"string","pattern":"^https?://"},
                           "delayMs":{"type":["integer","null"],"minimum":0,"maximum":60000},
                           "tags":{"type":"array","items":{"type":"string"},"maxItems":3}},
             "additionalProperties":false}""";

    @Inject
    RedisDataSource redis;

    private String type;

    @BeforeEach
    void announce() {
        // As a worker does when it starts: the schema first, then the type.
        type = "shaped." + System.nanoTime();
        redis.hash(String.class).hset(RedisNames.HANDLER_SCHEMAS, type, SCHEMA);
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, type);
    }

    @Test
    void inputThatDoesNotFitIsRefusedNamingTheField() {
        for (List<String> input : List.of(
                List.of("{\"url\":\"https://x\",\"delayMs\":-1}", "delayMs"),
                List.of("{\"url\":\"https://x\",\"delayMs\":1e308}", "delayMs"),
                List.of("{\"url\":\"https://x\",\"delayMs\":\"x\"}", "delayMs"),
                List.of("{\"url\":\"https://x\",\"delayMs\":1.5}", "delayMs"),
                List.of("{\"url\":\"ftp://x\"}", "url"),
                List.of("{\"delayMs\":5}", "url"),
                List.of("{\"url\":\"https://x\",\"delaiMs\":5}", "delaiMs"),
                List.of("{\"url\":\"https://x\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "tags"),
                List.of("{\"url\":\"https://x\",\"tags\":[1]}", "tags"))) {
            Response answer = submit(input.get(0));
            expectProblem(answer, 400, "invalid-input");
            assertThat(answer.jsonPath().getString("detail")).as("refusal of %s", input.get(0))
                    .contains(type).contains(input.get(1));
        }
    }

    @Test
    void inputThatFitsIsAccepted() {
        submit("{\"url\":\"https://example.org\",\"delayMs\":10,\"tags\":[\"a\"]}").then().statusCode(202);
        submit("{\"url\":\"http://example.org\",\"delayMs\":null}").then().statusCode(202);
    }

    @Test
    void aTypeWithoutASchemaTakesAnyObject() {
        String plain = "plain." + System.nanoTime();
        redis.set(String.class).sadd(RedisNames.HANDLER_TYPES, plain);
        asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"" + plain + "\",\"input\":{\"anything\":[1,2]}}")
                .post("/api/v1/tasks").then().statusCode(202);
    }

    private Response submit(String input) {
        return asDefaultTenant().contentType(ContentType.JSON)
                .body("{\"type\":\"" + type + "\",\"input\":" + input + "}").post("/api/v1/tasks");
    }
}
