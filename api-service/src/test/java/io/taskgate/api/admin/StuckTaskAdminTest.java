package io.taskgate.api.admin;

import static io.restassured.RestAssured.given;
import static io.taskgate.api.TestCallers.asDefaultTenant;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TaskStream;
import io.taskgate.api.TestDatabase;
import io.taskgate.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The stuck-task admin endpoints against real PostgreSQL and Redis, with the token from
 * src/test/resources/application.properties and the default thresholds (running: 2 minutes
 * without a heartbeat, queued: 15 minutes). Stuck rows are written straight into the table.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class StuckTaskAdminTest {

    private static final String TOKEN = "test-admin-token";
    private static final String STUCK = "/api/v1/admin/stuck-tasks";
    private static final String RECOVER = "/api/v1/admin/stuck-tasks/recover";

    @Test
    void missingTokenIs401WithABearerChallenge() {
        Response answer = given().get(STUCK);
        expectProblem(answer, 401, "admin-token-required");
        answer.then().header("WWW-Authenticate", "Bearer");
    }

    @Test
    void wrongTokenIs401() {
        expectProblem(given().header("Authorization", "Bearer not-the-token").get(STUCK), 401, "admin-token-required");
        expectProblem(given().header("Authorization", "Basic " + TOKEN).get(STUCK), 401, "admin-token-required");
        expectProblem(given().contentType(ContentType.JSON).body("{\"action\":\"fail\"}").post(RECOVER),
                401, "admin-token-required");
    }

    @Test
    void listsRunningTasksWithoutHeartbeatAndQueuedTasksWaitingTooLong() {
        Instant now = now();
        Instant beatLongAgo = now.minus(Duration.ofMinutes(10));
        Instant startedLongAgo = now.minus(Duration.ofMinutes(20));
        Instant enqueuedLongAgo = now.minus(Duration.ofHours(1));
        UUID silent = StuckRows.running(startedLongAgo, beatLongAgo);
        UUID neverBeat = StuckRows.running(startedLongAgo, null);
        UUID beating = StuckRows.running(startedLongAgo, now);
        UUID waiting = StuckRows.queued(enqueuedLongAgo, null);
        UUID retryNotDue = StuckRows.queued(enqueuedLongAgo, now.plus(Duration.ofHours(1)));
        UUID fresh = StuckRows.queued(now, null);
        UUID finished = StuckRows.finished(enqueuedLongAgo);

        JsonPath report = admin().queryParam("limit", 1000).get(STUCK).then().statusCode(200)
                .body("checkedAt", notNullValue())
                .extract().jsonPath();

        List<String> listed = report.getList("items.id");
        assertThat(listed).contains(silent.toString(), neverBeat.toString(), waiting.toString())
                .doesNotContain(beating.toString(), retryNotDue.toString(), fresh.toString(), finished.toString());
        Map<String, Object> silentItem = item(report, silent);
        assertThat(silentItem).containsEntry("reason", "RUNNING_WITHOUT_HEARTBEAT")
                .containsEntry("status", "RUNNING")
                .containsEntry("type", "echo")
                .containsEntry("tenantId", "default")
                .containsKey("seq");
        assertThat(Instant.parse((String) silentItem.get("since"))).isEqualTo(beatLongAgo);
        assertThat(Instant.parse((String) item(report, neverBeat).get("since"))).isEqualTo(startedLongAgo);
        assertThat(item(report, waiting)).containsEntry("reason", "QUEUED_TOO_LONG").containsEntry("status", "QUEUED");
        assertThat(Instant.parse((String) item(report, waiting).get("since"))).isEqualTo(enqueuedLongAgo);
    }

    @Test
    void limitBoundsTheListing() {
        StuckRows.running(now().minus(Duration.ofMinutes(30)), null);
        StuckRows.running(now().minus(Duration.ofMinutes(30)), null);

        assertThat(admin().queryParam("limit", 1).get(STUCK).then().statusCode(200)
                .extract().jsonPath().getList("items")).hasSize(1);
        expectProblem(admin().queryParam("limit", 0).get(STUCK), 400, "invalid-limit");
        expectProblem(admin().queryParam("limit", 1001).get(STUCK), 400, "invalid-limit");
        expectProblem(admin().queryParam("limit", "many").get(STUCK), 400, "invalid-limit");
    }

    @Test
    void requeuePutsAStuckRunningTaskBackOnTheStream() {
        Instant longAgo = now().minus(Duration.ofMinutes(30));
        UUID stuck = StuckRows.running(longAgo, longAgo);
        UUID healthy = StuckRows.running(longAgo, now());
        UUID unknown = UUID.randomUUID();

        JsonPath results = recover("requeue", stuck, healthy, unknown);

        assertThat(results.getList("results.taskId")).containsExactly(stuck.toString(), healthy.toString(),
                unknown.toString());
        assertThat(results.getList("results.outcome")).containsExactly("REQUEUED", "NOT_STUCK", "NOT_FOUND");
        assertThat(results.getList("results.detail")).doesNotContainNull();
        assertThat(TaskStream.countEntries("taskId", stuck.toString())).isEqualTo(1);
        assertThat(TaskStream.countEntries("taskId", healthy.toString())).isZero();
        asDefaultTenant().get("/api/v1/tasks/" + stuck).then().statusCode(200)
                .body("status", equalTo("QUEUED"))
                .body("seq", equalTo(3));
        assertThat(TestDatabase.value("SELECT lease_entry_id FROM tasks WHERE id = ?", stuck)).isNull();
        assertThat(TestDatabase.count("SELECT count(*) FROM tasks WHERE id = ? AND enqueued_at > ?", stuck, longAgo))
                .isEqualTo(1);
        assertThat(admin().queryParam("limit", 1000).get(STUCK).then().extract().jsonPath().getList("items.id"))
                .doesNotContain(stuck.toString());
        asDefaultTenant().get("/api/v1/tasks/" + healthy).then().body("status", equalTo("RUNNING"));
    }

    @Test
    void requeuePutsAQueuedTaskWhoseEntryIsLostOnTheStreamAgain() {
        UUID waiting = StuckRows.queued(now().minus(Duration.ofHours(2)), null);

        JsonPath results = recover("requeue", waiting);

        assertThat(results.getList("results.outcome")).containsExactly("REQUEUED");
        assertThat(TaskStream.countEntries("taskId", waiting.toString())).isEqualTo(1);
        asDefaultTenant().get("/api/v1/tasks/" + waiting).then().body("status", equalTo("QUEUED"));
    }

    @Test
    void failRecordsAStuckRunningTaskAsFailed() {
        Instant longAgo = now().minus(Duration.ofMinutes(30));
        UUID stuck = StuckRows.running(longAgo, longAgo);

        JsonPath results = recover("fail", stuck);

        assertThat(results.getList("results.outcome")).containsExactly("FAILED");
        asDefaultTenant().get("/api/v1/tasks/" + stuck).then().statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("STUCK"))
                .body("error.retryable", equalTo(false))
                .body("error.message", notNullValue())
                .body("finishedAt", notNullValue());
        assertThat(TaskStream.countEntries("taskId", stuck.toString())).isZero();
        assertThat(recover("fail", stuck).getList("results.outcome")).containsExactly("NOT_STUCK");
    }

    @Test
    void failMovesAStuckQueuedTaskOnlyAsFarAsTheLifecycleAllows() {
        UUID waiting = StuckRows.queued(now().minus(Duration.ofHours(2)), null);

        JsonPath results = recover("fail", waiting);

        // The lifecycle (shared-model TaskStatus) decides whether a queued task may fail; the
        // recovery follows it and says so, rather than forcing the status.
        if (TaskStatus.QUEUED.canMoveTo(TaskStatus.FAILED)) {
            assertThat(results.getList("results.outcome")).containsExactly("FAILED");
            asDefaultTenant().get("/api/v1/tasks/" + waiting).then().body("status", equalTo("FAILED"))
                    .body("error.code", equalTo("STUCK"));
        } else {
            assertThat(results.getList("results.outcome")).containsExactly("ERROR");
            assertThat(results.getString("results[0].detail")).contains("QUEUED");
            asDefaultTenant().get("/api/v1/tasks/" + waiting).then().body("status", equalTo("QUEUED"));
        }
        assertThat(TaskStream.countEntries("taskId", waiting.toString())).isZero();
    }

    @Test
    void recoverWithoutIdsActsOnEveryStuckTask() {
        Instant longAgo = now().minus(Duration.ofMinutes(30));
        UUID running = StuckRows.running(longAgo, longAgo);
        UUID queued = StuckRows.queued(now().minus(Duration.ofHours(3)), null);

        JsonPath results = admin().contentType(ContentType.JSON).body("{\"action\":\"requeue\"}")
                .queryParam("limit", 1000).post(RECOVER)
                .then().statusCode(200).extract().jsonPath();

        List<Map<String, Object>> all = results.getList("results");
        assertThat(all).anySatisfy(result -> assertThat(result)
                .containsEntry("taskId", running.toString()).containsEntry("outcome", "REQUEUED"));
        assertThat(all).anySatisfy(result -> assertThat(result)
                .containsEntry("taskId", queued.toString()).containsEntry("outcome", "REQUEUED"));
        assertThat(TaskStream.countEntries("taskId", running.toString())).isEqualTo(1);
        assertThat(TaskStream.countEntries("taskId", queued.toString())).isEqualTo(1);
    }

    @Test
    void emptyIdListActsOnNothing() {
        admin().contentType(ContentType.JSON).body("{\"action\":\"requeue\",\"taskIds\":[]}").post(RECOVER)
                .then().statusCode(200).body("results.size()", equalTo(0));
    }

    @Test
    void badRecoverRequestsAre400() {
        expectProblem(admin().contentType(ContentType.JSON).body("{\"action\":\"restart\",\"taskIds\":[]}")
                .post(RECOVER), 400, "invalid-action");
        expectProblem(admin().contentType(ContentType.JSON).body("{\"taskIds\":[]}").post(RECOVER),
                400, "invalid-action");
        expectProblem(admin().contentType(ContentType.JSON).body("{\"action\":\"fail\",\"taskIds\":[\"nope\"]}")
                .post(RECOVER), 400, "invalid-id");
        expectProblem(admin().contentType(ContentType.JSON).post(RECOVER), 400, "missing-body");
    }

    private static JsonPath recover(String action, UUID... ids) {
        String list = String.join(",", java.util.Arrays.stream(ids).map(id -> "\"" + id + "\"").toList());
        return admin().contentType(ContentType.JSON)
                .body("{\"action\":\"" + action + "\",\"taskIds\":[" + list + "]}")
                .post(RECOVER)
                .then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> item(JsonPath report, UUID id) {
        List<Map<String, Object>> items = report.getList("items");
        return items.stream().filter(item -> id.toString().equals(item.get("id"))).findFirst().orElseThrow();
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
