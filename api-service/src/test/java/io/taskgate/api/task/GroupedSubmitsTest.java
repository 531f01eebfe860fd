package io.taskgate.api.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskgate.api.RealInfrastructure;
import io.taskgate.api.TaskStream;
import io.taskgate.api.TestDatabase;
import io.taskgate.api.task.GroupedSubmits.Accepted;
import io.taskgate.api.task.GroupedSubmits.KeyTaken;
import io.taskgate.api.task.GroupedSubmits.Refused;
import io.taskgate.api.task.GroupedSubmits.Stored;
import io.taskgate.api.task.TaskInserts.KeyClaim;
import io.taskgate.api.task.TaskInserts.NewTask;
import io.taskgate.model.TaskIds;
import io.taskgate.model.TaskRecord;
import io.taskgate.model.Tenants;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Batches of known shape, stored in the real PostgreSQL and queued on the real Redis stream. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class GroupedSubmitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    GroupedSubmits submits;

    @Test
    void oneRefusedRowFailsOnlyItsOwnRequest() {
        String marker = UUID.randomUUID().toString();
        List<NewTask> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(new NewTask(task(marker), null));
        }
        // A row PostgreSQL refuses: its id is taken already.
        TaskRecord clash = task(marker);
        TestDatabase.update("INSERT INTO tasks (id, tenant_id, type, status, input, created_at, updated_at) "
                + "VALUES (?::uuid, 'default', 'echo', 'SUCCEEDED', '{}', now(), now())", clash.id.toString());
        batch.add(2, new NewTask(clash, null));

        List<Stored> stored = submits.flush(batch).await().atMost(WAIT);

        assertThat(stored).hasSize(6);
        assertThat(stored.get(2)).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.problem().problem().status()).isEqualTo(400);
            assertThat(refused.problem().getMessage()).contains("refused this input");
        });
        assertThat(stored).filteredOn(Accepted.class::isInstance).hasSize(5);
        assertThat(TestDatabase.count("SELECT count(*) FROM tasks WHERE input->>'marker' = ?", marker)).isEqualTo(5);
        for (Stored each : stored) {
            if (each instanceof Accepted accepted) {
                assertThat(TaskStream.countEntries("taskId", accepted.task().id.toString())).isEqualTo(1);
            }
        }
    }

    @Test
    void ofRequestsSharingAKeyOnlyTheFirstStoresItsTaskAndAKeyHeldEarlierWins() {
        String marker = UUID.randomUUID().toString();
        NewTask earlier = new NewTask(task(marker), new KeyClaim("held-" + marker, "a".repeat(64)));
        assertThat(submits.flush(List.of(earlier)).await().atMost(WAIT)).singleElement().isInstanceOf(Accepted.class);

        NewTask first = new NewTask(task(marker), new KeyClaim("shared-" + marker, "b".repeat(64)));
        NewTask second = new NewTask(task(marker), new KeyClaim("shared-" + marker, "b".repeat(64)));
        NewTask late = new NewTask(task(marker), new KeyClaim("held-" + marker, "a".repeat(64)));
        NewTask unkeyed = new NewTask(task(marker), null);

        List<Stored> stored = submits.flush(List.of(late, first, unkeyed, second)).await().atMost(WAIT);

        assertThat(stored.get(0)).isInstanceOf(KeyTaken.class);
        assertThat(stored.get(1)).isInstanceOf(Accepted.class);
        assertThat(stored.get(2)).isInstanceOf(Accepted.class);
        assertThat(stored.get(3)).isInstanceOf(KeyTaken.class);
        // Only the winners' rows were kept, and only they were queued.
        assertThat(TestDatabase.count("SELECT count(*) FROM tasks WHERE input->>'marker' = ?", marker)).isEqualTo(3);
        assertThat(TaskStream.countEntries("taskId", late.task().id.toString())).isZero();
        assertThat(TaskStream.countEntries("taskId", second.task().id.toString())).isZero();
        assertThat(TestDatabase.value("SELECT task_id::text FROM idempotency_keys WHERE key = ?", "shared-" + marker))
                .isEqualTo(first.task().id.toString());
    }

    private static TaskRecord task(String marker) {
        return TaskRecord.queued(TaskIds.newId(), Tenants.DEFAULT, "echo", "{\"marker\":\"" + marker + "\"}",
                Instant.now().truncatedTo(ChronoUnit.MICROS));
    }
}
