package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis outage of ten seconds, with every background loop running at its fastest (the retry
 * mover four times a second, the sweeper, trimmer and heartbeats every second) and submissions
 * arriving ten a second: each loop says once that it lost Redis and once that it is back, and the
 * refused submissions share a line or two, instead of a line per failed round or request.
 */
class OutageLoggingTest {

    private static final Pattern CATEGORY = Pattern.compile("^\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\s+\\[([^]]+)]");

    private static RunningSystem system;
    private static TaskgateClient api;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        system = RunningSystem.start("outage-logging");
        api = system.startApi("api-1");
        worker = system.startWorker("worker-1", RunningSystem.fastRecovery(Map.of()));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aTenSecondRedisOutageCostsEachLoopAFewLinesNotDozens() throws Exception {
        awaitSucceeded(api.submit("echo", "{\"message\":\"before\"}").get("id").asText());
        long apiLogStart = Files.size(api.process().logFile());
        long workerLogStart = Files.size(worker.logFile());

        system.crashRedis();
        // Submissions keep coming meanwhile, ten a second: each is refused, none is a log line of its own.
        for (int i = 0; i < 100; i++) {
            TaskgateClient.Answer refused = api.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.retryAfter()).isNotNull();
            Thread.sleep(100);
        }
        system.restartRedis();
        // Back to work: a new task is accepted and run, and every loop has had rounds to notice.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> api.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{}}").status() == 202);
        awaitSucceeded(api.submit("echo", "{\"message\":\"after\"}").get("id").asText());
        Thread.sleep(3_000);

        List<String> workerLines = linesSince(worker, workerLogStart);
        List<String> apiLines = linesSince(api.process(), apiLogStart);
        Map<String, Long> perCategory = perCategory(workerLines, apiLines);

        assertThat(perCategory).as("log lines per category during and after the outage:%n%s%n%s",
                        String.join("\n", workerLines), String.join("\n", apiLines))
                .allSatisfy((category, lines) -> assertThat(lines).as(category).isLessThanOrEqualTo(4));
        // The loop that used to log four lines a second said it once each way.
        assertThat(workerLines).filteredOn(line -> line.contains("retry-mover is failing")).hasSize(1);
        assertThat(workerLines).filteredOn(line -> line.contains("retry-mover works again")).hasSize(1);
        assertThat(apiLines).filteredOn(line -> line.contains("WARN") && line.contains("subscription to")).isNotEmpty();
    }

    private static void awaitSucceeded(String id) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
    }

    private static List<String> linesSince(ServiceProcess service, long offset) {
        try {
            byte[] all = Files.readAllBytes(service.logFile());
            String tail = new String(all, (int) offset, all.length - (int) offset, java.nio.charset.StandardCharsets.UTF_8);
            return tail.lines().filter(line -> CATEGORY.matcher(line).find()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    private static Map<String, Long> perCategory(List<String>... logs) {
        return java.util.Arrays.stream(logs).flatMap(List::stream)
                .map(line -> {
                    Matcher matcher = CATEGORY.matcher(line);
                    return matcher.find() ? matcher.group(2) : "?";
                })
                .collect(Collectors.groupingBy(category -> category, Collectors.counting()));
    }
}
