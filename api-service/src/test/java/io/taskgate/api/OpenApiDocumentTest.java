package io.taskgate.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** The generated spec is the API reference, so the endpoints and headers clients rely on must be in it. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class OpenApiDocumentTest {

    @Test
    void specDescribesCancellationIdempotencyKeysAndTheAdminEndpoints() {
        JsonPath spec = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();

        assertThat(spec.getMap("paths")).containsKeys("/api/v1/tasks/{id}/cancel", "/api/v1/admin/stuck-tasks",
                "/api/v1/admin/stuck-tasks/recover");
        assertThat(spec.getList("paths.'/api/v1/tasks'.post.parameters.name")).contains("Idempotency-Key");
        assertThat(spec.getMap("paths.'/api/v1/tasks/{id}/cancel'.post.responses")).containsKeys("200", "202", "409");
        assertThat(spec.getMap("components.securitySchemes")).containsKey("adminToken");
    }
}
