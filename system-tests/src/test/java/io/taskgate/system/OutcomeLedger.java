package io.taskgate.system;

import io.taskgate.local.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only audit of outcomes: a PostgreSQL trigger that logs every time a task's row is moved
 * into a final status. "Each task's outcome is recorded once" means one log row per task.
 */
final class OutcomeLedger {

    private final PostgresServer postgres;

    OutcomeLedger(PostgresServer postgres) {
        this.postgres = postgres;
    }

    /** Installs the trigger; call after the api-service has migrated the schema. */
    void install() {
        execute("""
                CREATE TABLE IF NOT EXISTS test_outcome_log (task_id uuid NOT NULL, status varchar(16) NOT NULL,
                                                             attempts integer NOT NULL,
                                                             logged_at timestamptz NOT NULL DEFAULT clock_timestamp());
                CREATE OR REPLACE FUNCTION test_log_outcome() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO test_outcome_log (task_id, status, attempts) VALUES (NEW.id, NEW.status, NEW.attempts);
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                DROP TRIGGER IF EXISTS test_outcome_log_trigger ON tasks;
                CREATE TRIGGER test_outcome_log_trigger AFTER UPDATE OF status ON tasks
                  FOR EACH ROW WHEN (NEW.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND OLD.status IS DISTINCT FROM NEW.status)
                  EXECUTE FUNCTION test_log_outcome();
                """);
    }

    /** How many outcomes were recorded per task id (as text). */
    Map<String, Integer> outcomesPerTask() {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection db = postgres.connect(); Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT task_id, count(*) FROM test_outcome_log GROUP BY task_id")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    /** Runs one query returning a single number. */
    long count(String sql) {
        try (Connection db = postgres.connect(); Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) {
        try (Connection db = postgres.connect(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
