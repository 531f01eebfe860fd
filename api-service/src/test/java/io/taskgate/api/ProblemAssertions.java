package io.taskgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.response.Response;

/** Checks that an answer is a problem document of the expected kind, for tests in any package. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    public static void expectProblem(Response response, int status, String slug) {
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("https://taskgate.io/problems/" + slug))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body("retryable", equalTo(false));
        assertThat(response.asString()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
