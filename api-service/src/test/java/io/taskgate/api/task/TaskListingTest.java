package io.taskgate.api.task;

import static io.taskgate.api.TestCallers.asDefaultTenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.taskgate.api.ProblemAssertions;
import io.taskgate.api.RealInfrastructure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keyset pagination over real rows: newest first, no repeats, no gaps, filters applied. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class TaskListingTest {

    private static final String LIST_TYPE = "listing.probe";


    @Test
    void pagesWalkAllTasksNewestFirstWithoutRepeats() {
        String type = uniqueType();
        List<String> created = submitMany(type, 7);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = asDefaultTenant().queryParam("type", type).queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/tasks").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(reversed(created));
    }

    @Test
    void fullLastPageHasNoCursor() {
        String type = uniqueType();
        submitMany(type, 4);
        JsonPath page = asDefaultTenant().queryParam("type", type).queryParam("limit", 4).get("/api/v1/tasks")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items")).hasSize(4);
        assertThat(page.getString("nextCursor")).isNull();
    }

    @Test
    void statusFilterNarrowsTheListing() {
        String type = uniqueType();
        submitMany(type, 2);
        assertThat(asDefaultTenant().queryParam("type", type).queryParam("status", "queued").get("/api/v1/tasks")
                .then().statusCode(200).extract().jsonPath().getList("items")).hasSize(2);
        assertThat(asDefaultTenant().queryParam("type", type).queryParam("status", "SUCCEEDED").get("/api/v1/tasks")
                .then().statusCode(200).extract().jsonPath().getList("items")).isEmpty();
    }

    @Test
    void badListingParametersAre400Problems() {
        ProblemAssertions.expectProblem(asDefaultTenant().queryParam("status", "DONE").get("/api/v1/tasks"), 400, "invalid-status");
        ProblemAssertions.expectProblem(asDefaultTenant().queryParam("limit", 0).get("/api/v1/tasks"), 400, "invalid-limit");
        ProblemAssertions.expectProblem(asDefaultTenant().queryParam("limit", 201).get("/api/v1/tasks"), 400, "invalid-limit");
        ProblemAssertions.expectProblem(asDefaultTenant().queryParam("limit", "ten").get("/api/v1/tasks"), 400, "invalid-limit");
        ProblemAssertions.expectProblem(asDefaultTenant().queryParam("cursor", "bm9wZQ").get("/api/v1/tasks"), 400, "invalid-cursor");
    }

    private static List<String> submitMany(String type, int count) {
        io.quarkus.redis.datasource.RedisDataSource redis = io.quarkus.arc.Arc.container()
                .instance(io.quarkus.redis.datasource.RedisDataSource.class).get();
        redis.set(String.class).sadd(io.taskgate.model.RedisNames.HANDLER_TYPES, type);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(asDefaultTenant().contentType(ContentType.JSON).body("{\"type\":\"" + type + "\",\"input\":{\"n\":" + i + "}}")
                    .post("/api/v1/tasks").then().statusCode(202).extract().path("id"));
        }
        return ids;
    }

    private static String uniqueType() {
        return LIST_TYPE + "." + System.nanoTime();
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
