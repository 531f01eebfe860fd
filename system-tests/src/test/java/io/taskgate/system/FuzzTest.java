package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Well over a thousand generated bad requests and WebSocket frames — bodies, each type's
 * inputs, query strings, ids, headers, frame sizes — against real processes: every one is
 * refused with a 4xx problem (or an error frame), none is accepted, none is a 5xx, no socket is
 * dropped, and the service works normally afterwards. The seed is printed, so a failure can be
 * replayed with {@code -Dtaskgate.fuzz.seed=…}.
 */
class FuzzTest {

    private static final long SEED = Long.getLong("taskgate.fuzz.seed", System.nanoTime());
    private static final Random RANDOM = new Random(SEED);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RunningSystem system;
    private static TaskgateClient api;
    private static final List<String> FAILURES = new ArrayList<>();
    private static int tried;

    @BeforeAll
    static void start() {
        System.out.println("fuzz seed " + SEED);
        system = RunningSystem.start("fuzz");
        // Budgets far above what the test sends: every request is judged on what it says.
        api = system.startApi("api-1", Map.of("taskgate.api.limits.submit-per-key", "100000",
                "taskgate.api.limits.submit-per-tenant", "100000", "taskgate.api.limits.read-per-key", "100000",
                "taskgate.api.limits.read-per-tenant", "100000",
                // Its bad credentials, all from one address, would soon be refused before anything else is read.
                "taskgate.api.limits.failed-auth-per-address", "0"));
        system.startWorker("worker-1");
        // The worker's announcements (types and their input schemas) are what the api checks against.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.post("/api/v1/tasks", "{\"type\":\"echo\",\"input\":{\"delayMs\":-1}}").status() == 400);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void badInputOfEveryKindIsRefusedWithAProblemAndNothingBreaks() {
        for (int i = 0; i < 300; i++) {
            expectRefused("POST", "/api/v1/tasks", badBody(), Map.of("Content-Type", "application/json"));
        }
        for (int i = 0; i < 300; i++) {
            expectRefused("POST", "/api/v1/tasks", badInput(), Map.of("Content-Type", "application/json"));
        }
        for (int i = 0; i < 150; i++) {
            expectRefused("GET", "/api/v1/tasks?" + badQuery(), null, Map.of());
        }
        for (int i = 0; i < 100; i++) {
            String id = badId();
            expectRefused("GET", "/api/v1/tasks/" + id, null, Map.of());
            expectRefused("POST", "/api/v1/tasks/" + id + "/cancel", "", Map.of());
        }
        for (int i = 0; i < 100; i++) {
            expectRefusedWithHeaders();
        }
        int frames = fuzzSocket(250);
        tried += frames;

        assertThat(FAILURES).as("failures among %d tries (seed %d)", tried, SEED).isEmpty();
        assertThat(tried).isGreaterThanOrEqualTo(1_000);

        // Healthy afterwards: ready, and a good task runs to its end.
        assertThat(HttpStatus.of(api.process().baseUrl() + "/q/health/ready")).isEqualTo(200);
        String id = api.submit("echo", "{\"message\":\"still fine\"}").get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).get("status").asText().equals("SUCCEEDED"));
        // Hundreds of keys and tokens were presented, good and bad: none of them is in the log.
        try {
            assertThat(java.nio.file.Files.readString(api.process().logFile())).doesNotContain("tgk_")
                    .doesNotContain(api.apiKey().substring(4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- bodies: not JSON, not one value, not the request's shape

    private static String badBody() {
        String good = "{\"type\":\"echo\",\"input\":{\"message\":\"m" + RANDOM.nextInt(1000) + "\"}}";
        return switch (RANDOM.nextInt(16)) {
            case 0 -> good.substring(0, 1 + RANDOM.nextInt(good.length() - 2));
            case 1 -> good + " " + pick("x", "{}", "[]", "1", "\"s\"", "null", good);
            case 2 -> "{\"type\":\"echo\",\"type\":\"echo\",\"input\":{}}";
            case 3 -> "{\"type\":\"echo\",\"" + pick("inptu", "Input", "inputs", "priority", "tenantId", "id") + "\":{}}";
            case 4 -> "{\"type\":" + pick("1", "true", "[]", "{}", "null", "\"\"", "\" \"", "\"ECHO\"", "\"9x\"",
                    "\"a b\"", "\"" + "t".repeat(101) + "\"") + ",\"input\":{}}";
            case 5 -> "{\"type\":\"echo\",\"input\":" + pick("1", "\"x\"", "[]", "true", "[{}]", "-0", "1e308") + "}";
            case 6 -> pick("", " ", "null", "[]", "1", "\"echo\"", "true", "[{\"type\":\"echo\"}]");
            case 7 -> "{\"type\":\"echo\",\"input\":{\"message\":" + "[".repeat(65 + RANDOM.nextInt(500)) + "}}";
            case 8 -> "{\"type\":\"no.such.type." + RANDOM.nextInt(1_000_000) + "\",\"input\":{}}";
            case 9 -> "{\"type\":\"echo\",\"input\":{\"message\":\"" + "\\u00" + "\"}}";
            case 10 -> "{'type':'echo','input':{}}";
            case 11 -> "{\"type\":\"echo\",\"input\":{},}";
            case 12 -> "{\"type\":\"echo\" \"input\":{}}";
            case 13 -> "{\"type\":\"echo\",\"input\":{\"message\":NaN}}";
            case 14 -> "\uFEFF{\"type\":\"echo\"";
            default -> "{\"type\":\"echo\",\"input\":{\"message\":\"" + "x".repeat(1_048_577) + "\"}}";
        };
    }

    // ---- inputs that are JSON objects but do not fit their type

    private static String badInput() {
        String input = switch (RANDOM.nextInt(4)) {
            case 0 -> "echo:" + pick("{\"delayMs\":-1}", "{\"delayMs\":1e308}", "{\"delayMs\":\"x\"}", "{\"delayMs\":1.5}",
                    "{\"delayMs\":60001}", "{\"steps\":\"x\"}", "{\"steps\":101}", "{\"steps\":-" + (1 + RANDOM.nextInt(99)) + "}",
                    "{\"steps\":[]}", "{\"delayMS\":5}", "{\"mesage\":\"hi\"}", "{\"delayMs\":{}}", "{\"steps\":true}");
            case 1 -> "llm.chat:" + pick("{}", "{\"messages\":[]}", "{\"messages\":\"hi\"}", "{\"messages\":[{}]}",
                    "{\"messages\":[{\"role\":1,\"content\":\"x\"}]}", "{\"messages\":[{\"role\":\"user\"}]}",
                    msgs() + ",\"maxTokens\":0}", msgs() + ",\"maxTokens\":-5}", msgs() + ",\"maxTokens\":1.5}",
                    msgs() + ",\"maxTokens\":100000000}", msgs() + ",\"temperature\":3}", msgs() + ",\"temperature\":\"hot\"}",
                    msgs() + ",\"model\":\"\"}", msgs() + ",\"model\":5}", msgs() + ",\"max_tokens\":5}");
            case 2 -> "http.verify:" + pick("{}", "{\"url\":5}", "{\"url\":\"ftp://x\"}", "{\"url\":\"\"}",
                    "{\"url\":\"https://a\",\"method\":\"BREW\"}", "{\"url\":\"https://a\",\"method\":1}",
                    "{\"url\":\"https://a\",\"headers\":[]}", "{\"url\":\"https://a\",\"headers\":{\"x\":1}}",
                    "{\"url\":\"https://a\",\"expect\":{\"status\":99}}", "{\"url\":\"https://a\",\"expect\":{\"status\":\"6xx\"}}",
                    "{\"url\":\"https://a\",\"expect\":{\"status\":[]}}", "{\"url\":\"https://a\",\"expect\":{\"sttus\":200}}",
                    "{\"url\":\"https://a\",\"expect\":5}", "{\"url\":\"https://a\",\"timeout\":5}");
            default -> "flaky:" + pick("{\"failAttempts\":-1}", "{\"failAttempts\":1001}", "{\"failAttempts\":\"x\"}",
                    "{\"delayMs\":-1}", "{\"retryable\":\"yes\"}", "{\"code\":5}", "{\"code\":\"\"}", "{\"fail\":1}");
        };
        int colon = input.indexOf(':');
        return "{\"type\":\"" + input.substring(0, colon) + "\",\"input\":" + input.substring(colon + 1) + "}";
    }

    private static String msgs() {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    }

    // ---- query strings

    private static String badQuery() {
        return switch (RANDOM.nextInt(8)) {
            case 0 -> "status=" + encode(pick("", "xx", "DONE", "QUEUED,RUNNING", "%00", "1", randomText(8)));
            case 1 -> "limit=" + encode(pick("", "0", "-1", "201", "abc", "1e3", "2147483648", "1.5", "5x", randomText(4)));
            case 2 -> "status=QUEUED&status=RUNNING";
            case 3 -> "limit=5&limit=6";
            case 4 -> "cursor=" + encode(pick("x", "AAAA", "!!", randomText(20), "eyJ0IjoiMSJ9", "%%%"));
            case 5 -> pick("type=echo&type=flaky", "type=", "type=%20");
            case 6 -> "cursor=a&cursor=b";
            default -> "status=" + encode(randomText(1 + RANDOM.nextInt(30)));
        };
    }

    // ---- ids

    private static String badId() {
        return encode(pick("1", "x", "null", "undefined", UUID.randomUUID() + "x", UUID.randomUUID().toString().substring(1),
                "0190f3c2-0000-7000-8000-00000000000g", "%00", "-".repeat(36), randomText(1 + RANDOM.nextInt(200))));
    }

    // ---- headers: credentials and the idempotency key

    private static void expectRefusedWithHeaders() {
        String body = "{\"type\":\"echo\",\"input\":{}}";
        Map<String, String> headers = switch (RANDOM.nextInt(10)) {
            case 0 -> Map.of("Authorization", pick("Basic dXNlcjpwYXNz", "Bearer", "Bearer  ", "bearer", "Token abc", "Bearer tgk_"));
            case 1 -> Map.of("Authorization", "Bearer tgk_" + randomKeyChars(43));
            case 2 -> Map.of("Authorization", "Bearer " + randomKeyChars(1 + RANDOM.nextInt(300)));
            case 3 -> Map.of("X-API-Key", pick("", "x", "tgk_short", "tgk_" + randomKeyChars(43)));
            case 4 -> Map.of("Authorization", "Bearer a.b.c");
            case 5 -> Map.of("Authorization", "Bearer " + api.apiKey(), "X-API-Key", "tgk_" + randomKeyChars(43));
            case 6 -> Map.of("Authorization", "Bearer " + api.apiKey(), "Idempotency-Key", "k".repeat(256 + RANDOM.nextInt(100)));
            case 7 -> Map.of("Authorization", "Bearer " + api.apiKey(), "Content-Type", pick("text/plain", "application/xml",
                    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"));
            case 8 -> Map.of("Authorization", "Bearer " + api.apiKey(), "Idempotency-Key", " ");
            default -> Map.of("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJ4In0.");
        };
        Map<String, String> sent = new java.util.HashMap<>(headers);
        sent.putIfAbsent("Content-Type", "application/json");
        send("POST", "/api/v1/tasks", body, sent, false);
    }

    // ---- WebSocket frames

    private static int fuzzSocket(int count) {
        int sent = 0;
        SocketClient socket = api.openSocket();
        try {
            for (int i = 0; i < count; i++) {
                String frame = badFrame();
                sent++;
                try {
                    socket.send(frame);
                } catch (RuntimeException e) {
                    FAILURES.add("socket gone (closed " + socket.closeCode() + ", error " + socket.error() + ") before: "
                            + abbreviate(frame));
                    socket.close();
                    socket = api.openSocket();
                    continue;
                }
                JsonNode answer;
                try {
                    answer = socket.next(Duration.ofSeconds(10));
                } catch (AssertionError e) {
                    FAILURES.add("frame without an answer: " + abbreviate(frame));
                    continue;
                }
                if (!"error".equals(answer.path("type").asText())) {
                    FAILURES.add("frame answered with " + abbreviate(answer.toString()) + ": " + abbreviate(frame));
                }
                if ("FRAME_TOO_LARGE".equals(answer.path("code").asText())) {
                    // Answered, then closed as the protocol has it: 1009, never a dropped connection.
                    SocketClient closing = socket;
                    await().atMost(Duration.ofSeconds(10)).until(() -> closing.closeCode() != -1 || closing.error() != null);
                    if (socket.closeCode() != 1009 || socket.error() != null) {
                        FAILURES.add("socket closed with " + socket.closeCode() + " / " + socket.error() + " after "
                                + abbreviate(frame));
                    }
                    socket.close();
                    socket = api.openSocket();
                } else if (socket.closedByServer() || socket.error() != null) {
                    FAILURES.add("socket closed (" + socket.closeCode() + ", " + socket.error() + ") after " + abbreviate(frame));
                    socket.close();
                    socket = api.openSocket();
                }
            }
        } finally {
            socket.close();
        }
        return sent;
    }

    private static String badFrame() {
        String id = "\"" + UUID.randomUUID() + "\"";
        return switch (RANDOM.nextInt(14)) {
            case 0 -> pick("", " ", "x", "null", "[]", "1", "\"subscribe\"", "{", "}{", "{\"op\":\"subscribe\"");
            case 1 -> "{\"op\":" + pick("null", "1", "\"\"", "\"SUBSCRIBE\"", "\"sub\"", "\"delete\"", "[]") + ",\"taskIds\":[" + id + "]}";
            case 2 -> "{\"op\":\"subscribe\",\"taskIds\":" + pick("[]", "null", "\"x\"", "1", "{}", "[1]", "[null]", "[[]]") + "}";
            case 3 -> "{\"op\":\"subscribe\",\"taskIds\":[\"" + encode(randomText(1 + RANDOM.nextInt(60))) + "\"]}";
            case 4 -> "{\"op\":\"subscribe\",\"taskIds\":[" + String.join(",", java.util.Collections.nCopies(101 + RANDOM.nextInt(400), id)) + "]}";
            case 5 -> "{\"op\":\"subscribe\",\"topics\":[" + pick("\"System\"", "\"all\"", "1", "null", "\"\"") + "]}";
            case 6 -> "{\"op\":\"subscribe\",\"taskIds\":[" + id + "],\"extra\":1}";
            case 7 -> "{\"op\":\"subscribe\",\"taskIds\":[" + id + "],\"resume\":" + pick("1", "[]", "{\"x\":{\"seq\":1}}",
                    "{" + id + ":{\"seq\":-1}}", "{" + id + ":{\"seq\":1,\"outputIndex\":3}}", "{" + id + ":null}",
                    "{" + id + ":{\"seq\":\"a\"}}", "{" + id + ":{\"seq\":1,\"attempt\":0,\"outputIndex\":0}}") + "}";
            case 8 -> "{\"op\":\"unsubscribe\",\"taskIds\":[" + id + "],\"resume\":{" + id + ":{\"seq\":1}}}";
            case 9 -> "{\"op\":\"subscribe\",\"taskIds\":[\"" + "a".repeat(65_536 + RANDOM.nextInt(1_000_000)) + "\"]}";
            case 10 -> "{\"op\":\"subscribe\",\"op\":\"unsubscribe\",\"taskIds\":[" + id + "]}";
            case 11 -> "{\"op\":\"subscribe\",\"taskIds\":[" + id + "]} trailing";
            case 12 -> "{\"op\":\"subscribe\",\"taskIds\":" + "[".repeat(70) + "]".repeat(70) + "}";
            default -> "{\"op\":\"subscribe\",\"taskIds\":[" + id + "]}".repeat(1 + RANDOM.nextInt(3)).substring(1);
        };
    }

    // ---- checking one request

    private static void expectRefused(String method, String path, String body, Map<String, String> headers) {
        Map<String, String> sent = new java.util.HashMap<>(headers);
        sent.put("Authorization", "Bearer " + api.apiKey());
        send(method, path, body, sent, true);
    }

    private static void send(String method, String path, String body, Map<String, String> headers, boolean authenticated) {
        tried++;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.process().baseUrl() + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        String what = method + " " + abbreviate(path) + (body == null ? "" : " " + abbreviate(body)) + " " + abbreviate(headers.toString());
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // A refused oversized body may close the connection before it is all sent.
            if (body != null && body.length() > 1_000_000) {
                return;
            }
            FAILURES.add("no answer (" + e + "): " + what);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = answer.statusCode();
        if (status < 400 || status >= 500) {
            FAILURES.add(status + " " + abbreviate(answer.body()) + ": " + what);
            return;
        }
        if (!answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            FAILURES.add(status + " without a problem body: " + what);
            return;
        }
        String text = answer.body();
        if (text.contains("Exception") || text.contains("io.taskgate") || text.contains("java.") || text.contains("\tat ")) {
            FAILURES.add(status + " leaking internals " + abbreviate(text) + ": " + what);
        }
        if (authenticated && status == 401) {
            FAILURES.add("401 with a good key: " + what);
        }
    }

    // ---- helpers

    @SafeVarargs
    private static <T> T pick(T... choices) {
        return choices[RANDOM.nextInt(choices.length)];
    }

    private static String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (RANDOM.nextBoolean() ? 32 + RANDOM.nextInt(95) : 0xA1 + RANDOM.nextInt(0x2000)));
        }
        return text.toString();
    }

    private static String randomKeyChars(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < length; i++) {
            key.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…(" + text.length() + " chars)";
    }

    /** A plain GET's status, without credentials. */
    private static final class HttpStatus {
        static int of(String url) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
