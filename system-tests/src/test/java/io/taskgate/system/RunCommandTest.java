package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgate.local.PortFinder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, {@code deploy/run-local.sh}, as a user runs it (the build step
 * skipped: this build has just made the jars): its database commits durably, and SIGTERM stops
 * everything it started even after its PostgreSQL has died and while a worker cannot answer.
 */
class RunCommandTest {

    private final Path root = Path.of(System.getProperty("taskgate.project.root", "..")).toAbsolutePath().normalize();
    private final int postgresPort = PortFinder.freePort();
    private final int apiPort = PortFinder.freePort();
    private Process run;
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        if (run != null) {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void databaseCommitsDurablyAndSigtermAfterAPostgresCrashLeavesNoProcessBehind() throws Exception {
        Path data = Files.createDirectories(root.resolve("system-tests/target/runs"))
                .resolve("run-command-" + System.currentTimeMillis());
        Path output = Files.createDirectories(data).resolve("run-local.out");
        ProcessBuilder command = new ProcessBuilder("bash", root.resolve("deploy/run-local.sh").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        command.environment().putAll(Map.of(
                "TASKGATE_SKIP_BUILD", "1",
                "TASKGATE_DATA_DIR", data.toString(),
                "TASKGATE_API_PORT", String.valueOf(apiPort),
                "TASKGATE_WORKER_PORT", String.valueOf(PortFinder.freePort()),
                "TASKGATE_SIMULATOR_PORT", String.valueOf(PortFinder.freePort()),
                "TASKGATE_POSTGRES_PORT", String.valueOf(postgresPort),
                "TASKGATE_REDIS_PORT", String.valueOf(PortFinder.freePort())));
        run = command.start();
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .failFast("the run command exited", () -> !run.isAlive())
                .until(() -> Files.readString(output).contains("Taskgate is running"));

        // The key it printed works as the README shows.
        String key = Files.readString(data.resolve("demo-api-key")).trim();
        assertThat(Files.readString(output)).contains("Authorization: Bearer " + key);
        assertThat(submitWith(key, apiPort)).isEqualTo(202);
        assertThat(submitWith("tgk_" + "x".repeat(43), apiPort)).isEqualTo(401);

        assertThat(setting("fsync")).isEqualTo("on");
        assertThat(setting("synchronous_commit")).isEqualTo("on");

        // Everything the run command started: its own children and the PostgreSQL server, which
        // pg_ctl detaches from it.
        ProcessHandle postmaster = postmaster(data.resolve("postgres"));
        started.addAll(run.descendants().toList());
        started.add(postmaster);
        started.addAll(postmaster.descendants().toList());
        assertThat(run.descendants().count()).as("api, worker, simulator and Redis").isGreaterThanOrEqualTo(4);

        postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
        postmaster.destroyForcibly();
        postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        // A frozen worker cannot answer SIGTERM: the launcher must fall back to SIGKILL.
        ProcessHandle worker = run.descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("worker-service"))
                .findFirst().orElseThrow(() -> new AssertionError("no worker process among " + started));
        signal("STOP", worker);

        run.destroy();
        assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the run command exits after SIGTERM").isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started)
                .as("processes the run command started, still alive").noneMatch(ProcessHandle::isAlive));
    }

    private static void signal(String name, ProcessHandle process) throws Exception {
        // The shell's own kill: nothing beyond bash, which the run command needs anyway.
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, process.pid()).isZero();
    }

    private static int submitWith(String key, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"echo\",\"input\":{\"message\":\"hello\"}}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String setting(String name) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/taskgate";
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SHOW " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The postmaster's process id is the first line of postmaster.pid in its data folder. */
    private static ProcessHandle postmaster(Path postgresData) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster with pid " + pid));
    }
}
