package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx configuration in front of two api instances: it passes {@code nginx -t}, and
 * REST over HTTP/2 with TLS, the WebSocket upgrade, gzip, the body limit, static files and the
 * plain-HTTP redirect all work through it.
 */
class NginxTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RunningSystem system;
    private static TaskgateClient api;
    private static NginxFront nginx;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.start("nginx");
        api = system.startApi("api-1");
        TaskgateClient second = system.startApi("api-2");
        system.startWorker("worker-1");
        nginx = NginxFront.prepare(system.stack().dataDirectory().resolve("nginx"),
                List.of(api.process().httpPort(), second.process().httpPort()));
        SSLContext trustingTheLocalCertificate = SSLContext.getInstance("TLS");
        trustingTheLocalCertificate.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
        client = HttpClient.newBuilder().sslContext(trustingTheLocalCertificate).version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void theShippedConfigurationPassesNginxTest() {
        assertThat(nginx.test()).contains("syntax is ok").contains("test is successful");
    }

    @Test
    void restOverHttp2AndTheWebSocketBothWorkThroughNginx() throws Exception {
        nginx.start();
        HttpResponse<String> submitted = client.send(HttpRequest.newBuilder(URI.create(nginx.httpsBase() + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + api.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"echo\",\"input\":{\"message\":\"via nginx\",\"delayMs\":1500,\"steps\":2}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).isEqualTo(202);
        assertThat(submitted.version()).isEqualTo(HttpClient.Version.HTTP_2);
        String id = TaskgateClient.JSON.readTree(submitted.body()).get("id").asText();

        URI socketUri = URI.create(nginx.httpsBase().replace("https://", "wss://") + "/ws/tasks");
        try (SocketClient socket = SocketClient.connect(client, socketUri, api.apiKey())) {
            socket.subscribe(id);
            List<JsonNode> pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
            assertThat(pushed.get(0).get("type").asText()).isEqualTo("snapshot");
            assertThat(pushed).anySatisfy(m -> assertThat(m.get("type").asText()).isEqualTo("progress"));
            assertThat(pushed.get(pushed.size() - 1).at("/task/result/message").asText()).isEqualTo("via nginx");
        }

        // Polling through nginx, compressed on the way (a page of a few tasks is worth compressing).
        for (int i = 0; i < 4; i++) {
            api.submit("echo", "{\"message\":\"page filler " + i + "\"}");
        }
        HttpResponse<byte[]> polled = client.send(get("/api/v1/tasks?limit=50").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(polled.headers().firstValue("content-encoding")).hasValue("gzip");
    }

    @Test
    void limitsRedirectsAndStaticFilesAreNginxsOwn() throws Exception {
        nginx.start();
        // A body over the api's 1 MiB never reaches it. (HTTP/1.1: over HTTP/2 nginx answers the
        // same 413 but then ends the connection, which the JDK's client reports as an error.)
        HttpClient http11 = HttpClient.newBuilder().sslContext(client.sslContext()).version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> tooLarge = http11.send(HttpRequest.newBuilder(URI.create(nginx.httpsBase() + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + api.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"echo\",\"input\":{\"m\":\"" + "x".repeat(1_100_000) + "\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);

        HttpResponse<String> plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(nginx.httpBase() + "/api/v1/tasks")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(308);
        assertThat(plain.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).startsWith("https://"));

        HttpResponse<String> page = client.send(get("/").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Taskgate");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");

        // Health and metrics are not served to the outside.
        assertThat(client.send(get("/q/metrics").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(nginx.httpsBase() + path)).header("Authorization", "Bearer " + api.apiKey());
    }

    /** The certificate is the self-signed one make-cert.sh made for this run. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
