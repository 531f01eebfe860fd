package io.taskgate.api.task;

import static io.taskgate.api.TestCallers.asDefaultTenant;
import static io.taskgate.api.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands.RedisSubscriber;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TestDatabase;
import io.taskgate.model.RedisNames;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Cancellation against real PostgreSQL and Redis; no worker runs, so a "running" task is set up in the table. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class TaskCancelTest {

    /** Only bounds how long a missing message is waited for; nothing here asserts how fast it came. */
    private static final Duration MESSAGE_WAIT = Duration.ofSeconds(30);

    @Inject
    RedisDataSource redis;

    @Test
    void cancellingAQueuedTaskCancelsItAndTellsSubscribers() {
        List<String> events = new CopyOnWriteArrayList<>();
        RedisSubscriber subscriber = redis.pubsub(String.class).subscribe(RedisNames.EVENT_CHANNEL, events::add);
        try {
            String id = submit();

            asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(200)
                    .body("id", equalTo(id))
                    .body("status", equalTo("CANCELLED"))
                    .body("finishedAt", notNullValue())
                    .body("seq", equalTo(2));

            asDefaultTenant().get("/api/v1/tasks/" + id).then().statusCode(200)
                    .body("status", equalTo("CANCELLED"))
                    .body("finishedAt", notNullValue());
            await().atMost(MESSAGE_WAIT).until(() -> events.stream().map(JsonPath::from).anyMatch(event ->
                    id.equals(event.getString("taskId"))
                            && "status".equals(event.getString("type"))
                            && "CANCELLED".equals(event.getString("task.status"))
                            && event.getInt("seq") == 2));
        } finally {
            subscriber.unsubscribe();
        }
    }

    @Test
    void cancellingTwiceIs409() {
        String id = submit();
        asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(200);

        Response again = asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel");

        expectProblem(again, 409, "task-already-finished");
        again.then().body("detail", containsString("CANCELLED"));
    }

    @Test
    void cancellingARunningTaskAsksItsWorkerToStop() {
        List<String> signals = new CopyOnWriteArrayList<>();
        RedisSubscriber subscriber = redis.pubsub(String.class).subscribe(RedisNames.CANCEL_CHANNEL, signals::add);
        try {
            String id = submit();
            markRunning(id);

            Response answer = asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel");

            answer.then().statusCode(202)
                    .header("Location", "/api/v1/tasks/" + id)
                    .body("status", equalTo("RUNNING"))
                    .body("finishedAt", nullValue())
                    .body("seq", equalTo(3));
            await().atMost(MESSAGE_WAIT).until(() -> signals.contains(id));
            assertThat(TestDatabase.value("SELECT cancel_requested FROM tasks WHERE id = ?", UUID.fromString(id)))
                    .isEqualTo(true);
            asDefaultTenant().get("/api/v1/tasks/" + id).then().statusCode(200).body("status", equalTo("RUNNING"));
        } finally {
            subscriber.unsubscribe();
        }
    }

    @Test
    void askingAgainToCancelARunningTaskIsAcceptedAndChangesNothing() {
        String id = submit();
        markRunning(id);
        asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(202).body("seq", equalTo(3));

        asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel").then().statusCode(202)
                .body("status", equalTo("RUNNING"))
                .body("seq", equalTo(3));
        assertThat(TestDatabase.value("SELECT cancel_requested FROM tasks WHERE id = ?", UUID.fromString(id)))
                .isEqualTo(true);
    }

    @Test
    void cancellingASucceededTaskIs409NamingItsStatus() {
        String id = submit();
        TestDatabase.update("UPDATE tasks SET status = 'SUCCEEDED', finished_at = now(), event_seq = event_seq + 1"
                + " WHERE id = ?", UUID.fromString(id));

        Response answer = asDefaultTenant().post("/api/v1/tasks/" + id + "/cancel");

        expectProblem(answer, 409, "task-already-finished");
        answer.then().body("detail", containsString("SUCCEEDED"));
        asDefaultTenant().get("/api/v1/tasks/" + id).then().body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void cancellingAnUnknownTaskIs404() {
        expectProblem(asDefaultTenant().post("/api/v1/tasks/01900000-0000-7000-8000-000000000000/cancel"), 404, "not-found");
    }

    @Test
    void cancellingAMalformedIdIs400() {
        expectProblem(asDefaultTenant().post("/api/v1/tasks/not-a-uuid/cancel"), 400, "invalid-id");
    }

    private static String submit() {
        return asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"echo\",\"input\":{}}").post("/api/v1/tasks")
                .then().statusCode(202).extract().path("id");
    }

    /** What a worker's start of an attempt does to the row (seq 1 → 2). */
    private static void markRunning(String id) {
        int changed = TestDatabase.update("UPDATE tasks SET status = 'RUNNING', started_at = now(), attempts = 1,"
                + " event_seq = event_seq + 1, heartbeat_at = now() WHERE id = ? AND status = 'QUEUED'",
                UUID.fromString(id));
        assertThat(changed).isEqualTo(1);
    }
}
