package io.taskgate.api.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestCallers;
import io.taskgate.api.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against every way a credential can be wrong: missing, malformed, unknown,
 * revoked, expired, or without the role the endpoint needs. Each combination must be refused with
 * 401 or 403 as a problem document; none may get through.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CredentialMatrixTest {

    private record Endpoint(String method, String path, String body, Role needs, boolean operatorOnly) {
    }

    private static final String ANY_ID = UUID.randomUUID().toString();
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}", Role.SUBMIT, false),
            new Endpoint("GET", "/api/v1/tasks", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/tasks/" + ANY_ID, null, Role.READ, false),
            new Endpoint("POST", "/api/v1/tasks/" + ANY_ID + "/cancel", null, Role.SUBMIT, false),
            new Endpoint("POST", "/api/v1/ws-tickets", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/circuit-breakers", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/workers", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/pool", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/resources", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/error-rate", null, Role.READ, false),
            new Endpoint("GET", "/api/v1/health/queue", null, Role.READ, false),
            new Endpoint("POST", "/api/v1/admin/tenants/matrix/api-keys", "{\"name\":\"n\",\"roles\":[\"read\"]}", Role.ADMIN, false),
            new Endpoint("GET", "/api/v1/admin/tenants/matrix/api-keys", null, Role.ADMIN, false),
            new Endpoint("DELETE", "/api/v1/admin/api-keys/" + ANY_ID, null, Role.ADMIN, false),
            new Endpoint("GET", "/api/v1/admin/stuck-tasks", null, Role.ADMIN, true),
            new Endpoint("POST", "/api/v1/admin/stuck-tasks/recover", "{\"action\":\"fail\"}", Role.ADMIN, true));

    @Test
    void noWrongCredentialGetsThroughAnywhere() {
        String revoked = TestCallers.key("matrix-revoked", Role.SUBMIT, Role.READ, Role.ADMIN);
        TestDatabase.update("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = 'matrix-revoked'");
        String expired = TestCallers.key("matrix-expired", Role.SUBMIT, Role.READ, Role.ADMIN);
        TestDatabase.update("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE tenant_id = 'matrix-expired'");

        Map<String, UnaryOperator<RequestSpecification>> wrong = Map.of(
                "missing", request -> request,
                "malformed", request -> request.header("Authorization", "Basic dXNlcjpwYXNz"),
                "empty", request -> request.header("X-API-Key", ""),
                "unknown", request -> request.header("Authorization", "Bearer " + ApiKeySecret.generate()),
                "not a key", request -> request.header("Authorization", "Bearer let-me-in"),
                "revoked", request -> request.header("Authorization", "Bearer " + revoked),
                "expired", request -> request.header("X-API-Key", expired));

        List<String> gotThrough = new ArrayList<>();
        int tried = 0;
        for (Endpoint endpoint : ENDPOINTS) {
            for (var credential : wrong.entrySet()) {
                tried++;
                Response answer = send(endpoint, credential.getValue());
                if (answer.statusCode() != 401 && answer.statusCode() != 403 || !isProblem(answer)) {
                    gotThrough.add(endpoint.method() + " " + endpoint.path() + " with a " + credential.getKey()
                            + " credential: " + answer.statusCode());
                }
            }
            for (String lacking : lackingKeys(endpoint)) {
                tried++;
                Response answer = send(endpoint, request -> request.header("Authorization", "Bearer " + lacking));
                int expected = endpoint.operatorOnly() ? 401 : 403;
                if (answer.statusCode() != expected || !isProblem(answer)) {
                    gotThrough.add(endpoint.method() + " " + endpoint.path() + " with a key lacking the role: "
                            + answer.statusCode());
                }
            }
        }
        assertThat(gotThrough).as("of %d wrong credentials", tried).isEmpty();
        assertThat(tried).isGreaterThanOrEqualTo(ENDPOINTS.size() * wrong.size());
    }

    /** Keys holding every role but the one the endpoint needs (for the operator's endpoints: every role). */
    private static List<String> lackingKeys(Endpoint endpoint) {
        if (endpoint.operatorOnly()) {
            return List.of(TestCallers.key("matrix", Role.SUBMIT, Role.READ, Role.ADMIN));
        }
        List<Role> others = new ArrayList<>(List.of(Role.values()));
        others.remove(endpoint.needs());
        return List.of(TestCallers.key("matrix", others.toArray(Role[]::new)));
    }

    private static Response send(Endpoint endpoint, UnaryOperator<RequestSpecification> credential) {
        RequestSpecification request = credential.apply(given());
        if (endpoint.body() != null) {
            request = request.contentType(ContentType.JSON).body(endpoint.body());
        }
        return request.request(endpoint.method(), endpoint.path());
    }

    private static boolean isProblem(Response answer) {
        return answer.contentType().startsWith("application/problem+json");
    }
}
