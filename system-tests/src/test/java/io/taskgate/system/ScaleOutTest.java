package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several instances behave as one system: two api-services and three worker-services share the
 * load; mid-run one worker is killed (SIGKILL) and one api is restarted. Every accepted task ends
 * with exactly one outcome, and a watcher on each api sees every change of every task it follows:
 * the one whose api never went away sees each change once and in order; the one whose api was
 * restarted resumes with what it had seen and misses nothing that the stored state does not sum up.
 */
class ScaleOutTest {

    private static final int TASKS = 240;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static RunningSystem system;
    private static TaskgateClient first;
    private static TaskgateClient second;
    private static ServiceProcess doomedWorker;
    private static OutcomeLedger ledger;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("scale-out");
        first = system.startApi("api-1");
        second = system.startApi("api-2");
        ledger = system.ledger();
        ledger.install();
        Map<String, String> workers = RunningSystem.fastRecovery(Map.of("taskgate.worker.concurrency", "8"));
        system.startWorker("worker-1", workers);
        doomedWorker = system.startWorker("worker-2", workers);
        system.startWorker("worker-3", workers);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void nothingIsLostAndEveryWatcherSeesEveryChangeWhileAWorkerDiesAndAnApiRestarts() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        Watcher onFirst = new Watcher(first.openSocket());
        Watcher onSecond = new Watcher(second.openSocket());
        int port = second.process().httpPort();
        TaskgateClient[] apis = {first, second};

        for (int i = 0; i < TASKS; i++) {
            if (i == TASKS / 3) {
                accepted.addAll(killWhileItRunsALongTask(apis[0], onFirst, onSecond));
            }
            if (i == TASKS / 2) {
                second.process().stop(Duration.ofSeconds(20));
                apis[1] = restartedApi(port);
                // Back with what it saw: each followed task resumes from its last seen change.
                onSecond.resumeOn(apis[1].openSocket());
            }
            TaskgateClient target = apis[i % 2];
            String id = target.submit("echo", "{\"message\":" + i + ",\"delayMs\":150,\"steps\":3}").get("id").asText();
            accepted.add(id);
            onFirst.follow(id);
            onSecond.follow(id);
            Thread.sleep(20);
        }

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> ledger.count(
                "SELECT count(*) FROM tasks WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')") == 0);
        assertThat(accepted).allSatisfy(id -> assertThat(first.task(id).get("status").asText()).isEqualTo("SUCCEEDED"));
        // The kill hit work in progress: some tasks ran again as a new attempt.
        assertThat(accepted).anySatisfy(id -> assertThat(first.task(id).get("attempts").asInt()).isGreaterThan(1));
        Map<String, Integer> outcomes = ledger.outcomesPerTask();
        assertThat(accepted).allSatisfy(id -> assertThat(outcomes.get(id)).as("outcomes of %s", id).isEqualTo(1));

        for (Watcher watcher : List.of(onFirst, onSecond)) {
            await().atMost(WAIT).until(() -> watcher.collect().finishedAll(accepted));
        }
        // Never away: from its first message on, each task's changes come one by one, none
        // skipped — even the killed worker's last change, stored but lost with the process before
        // it was published: the worker that takes the delivery over publishes it again.
        assertThat(accepted).allSatisfy(id -> assertThat(onFirst.seqs(id)).as("changes of %s", id)
                .isEqualTo(consecutive(onFirst.seqs(id))));
        // Away once: changes in order and never twice; those made while away arrive summed up in one snapshot.
        assertThat(accepted).allSatisfy(id -> assertThat(onFirst.seqs(id)).as("changes of %s", id)
                .isSorted().doesNotHaveDuplicates());
        assertThat(accepted).allSatisfy(id -> assertThat(onSecond.seqs(id)).as("changes of %s", id)
                .isSorted().doesNotHaveDuplicates());
        assertThat(accepted).allSatisfy(id -> assertThat(onSecond.lastSeq(id))
                .isEqualTo(first.task(id).get("seq").asLong()));
        onFirst.close();
        onSecond.close();
    }

    /**
     * Kills the doomed worker once it is certainly in the middle of a task: a short task may
     * finish between a look at the worker and the kill, so long ones are submitted until the
     * doomed worker holds one of them that PostgreSQL shows RUNNING under its delivery.
     */
    private static List<String> killWhileItRunsALongTask(TaskgateClient api, Watcher... watchers) throws InterruptedException {
        List<String> submitted = new ArrayList<>();
        for (int tries = 0; tries < 40 && !doomedWorkerRunsOneOf(submitted); tries++) {
            String id = api.submit("echo", "{\"message\":\"long\",\"delayMs\":4000,\"steps\":4}").get("id").asText();
            submitted.add(id);
            for (Watcher watcher : watchers) {
                watcher.follow(id);
            }
            Thread.sleep(150);
        }
        assertThat(doomedWorkerRunsOneOf(submitted)).as("the doomed worker runs a long task").isTrue();
        doomedWorker.kill();
        return submitted;
    }

    private static boolean doomedWorkerRunsOneOf(List<String> taskIds) {
        List<?> pending = (List<?>) system.redis().call("XPENDING", "taskgate:tasks", "workers", "-", "+", "100", doomedWorker.name());
        List<String> entryIds = pending.stream().map(entry -> String.valueOf(((List<?>) entry).get(0))).toList();
        if (entryIds.isEmpty() || taskIds.isEmpty()) {
            return false;
        }
        return ledger.count("SELECT count(*) FROM tasks WHERE status = 'RUNNING' AND lease_entry_id IN ('"
                + String.join("','", entryIds) + "') AND id::text IN ('" + String.join("','", taskIds) + "')") > 0;
    }

    private static TaskgateClient restartedApi(int port) {
        try {
            return new TaskgateClient(system.stack().startApi("api-2-restarted", port, Map.of()), first.apiKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> consecutive(List<Long> seqs) {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            expected.add(seqs.get(0) + i);
        }
        return expected;
    }

    /** One browser tab: follows tasks on a socket, and after losing it, resumes on a new one. */
    private static final class Watcher implements AutoCloseable {

        private final Map<String, List<JsonNode>> changes = new LinkedHashMap<>();
        private final List<String> followed = new ArrayList<>();
        private SocketClient socket;

        Watcher(SocketClient socket) {
            this.socket = socket;
        }

        void follow(String id) {
            followed.add(id);
            socket.subscribe(id);
        }

        void resumeOn(SocketClient fresh) {
            collect();
            socket.close();
            socket = fresh;
            List<String> points = new ArrayList<>();
            for (String id : followed) {
                Long seen = changes.containsKey(id) ? lastSeq(id) : null;
                points.add(seen == null ? null : "\"" + id + "\":{\"seq\":" + seen + "}");
            }
            for (int from = 0; from < followed.size(); from += 100) {
                List<String> ids = followed.subList(from, Math.min(followed.size(), from + 100));
                List<String> resume = points.subList(from, Math.min(followed.size(), from + 100)).stream()
                        .filter(point -> point != null).toList();
                socket.send("{\"op\":\"subscribe\",\"taskIds\":[\"" + String.join("\",\"", ids) + "\"],\"resume\":{"
                        + String.join(",", resume) + "}}");
            }
        }

        Watcher collect() {
            for (JsonNode message : socket.drain()) {
                if (message.hasNonNull("taskId") && message.hasNonNull("seq") && !message.has("outputIndex")) {
                    changes.computeIfAbsent(message.get("taskId").asText(), id -> new ArrayList<>()).add(message);
                }
            }
            return this;
        }

        boolean finishedAll(List<String> ids) {
            return ids.stream().allMatch(id -> changes.containsKey(id)
                    && SubmitToPushTest.isFinal(changes.get(id).get(changes.get(id).size() - 1)));
        }

        List<Long> seqs(String id) {
            return changes.getOrDefault(id, List.of()).stream().map(m -> m.get("seq").asLong()).toList();
        }

        Long lastSeq(String id) {
            List<Long> seqs = seqs(id);
            return seqs.isEmpty() ? null : seqs.get(seqs.size() - 1);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
