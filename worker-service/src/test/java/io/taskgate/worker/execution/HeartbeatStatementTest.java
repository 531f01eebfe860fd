package io.taskgate.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The heartbeat statement against a real PostgreSQL, while another transaction holds one of its rows. */
class HeartbeatStatementTest {

    private static ReactivePostgres postgres;
    private static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        postgres = ReactivePostgres.start("heartbeat");
        pool = postgres.pool();
        pool.query("CREATE TABLE tasks (id uuid PRIMARY KEY, status text NOT NULL, heartbeat_at timestamptz)")
                .executeAndAwait();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void beatsTheFreeRowsWithoutWaitingForOneAnotherTransactionHolds() {
        UUID free = insertRunning();
        UUID held = insertRunning();
        UUID finished = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO tasks (id, status) VALUES ($1, 'SUCCEEDED')").executeAndAwait(Tuple.of(finished));

        SqlConnection other = pool.getConnectionAndAwait();
        Transaction changing = other.beginAndAwait();
        try {
            // What a grouped batch does to its tasks' rows: holds them until its commit.
            other.preparedQuery("UPDATE tasks SET status = 'RUNNING' WHERE id = $1").executeAndAwait(Tuple.of(held));

            // Waiting for the held row would not end before the transaction does: the await would time out.
            int beaten = pool.preparedQuery(TaskStore.HEARTBEAT)
                    .execute(Tuple.of(OffsetDateTime.now(ZoneOffset.UTC), new UUID[] {free, held, finished}))
                    .await().atMost(Duration.ofSeconds(10)).rowCount();

            assertThat(beaten).isEqualTo(1);
        } finally {
            changing.rollbackAndAwait();
            other.closeAndAwait();
        }
        assertThat(heartbeatOf(free)).isNotNull();
        assertThat(heartbeatOf(held)).isNull();
        assertThat(heartbeatOf(finished)).isNull();
    }

    private static UUID insertRunning() {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO tasks (id, status) VALUES ($1, 'RUNNING')").executeAndAwait(Tuple.of(id));
        return id;
    }

    private static OffsetDateTime heartbeatOf(UUID id) {
        return pool.preparedQuery("SELECT heartbeat_at FROM tasks WHERE id = $1").executeAndAwait(Tuple.of(id))
                .iterator().next().getOffsetDateTime("heartbeat_at");
    }
}
