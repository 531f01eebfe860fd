package io.taskgate.worker.handler.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.worker.handler.TaskFailure;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and checking a task's input. */
class VerifyRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void minimalInputIsAGetExpecting2xx() {
        VerifyRequest request = parse("{\"url\":\"https://API.Example.com/v1/check?id=42&x=%20y\"}");
        assertThat(request.method()).isEqualTo(HttpMethod.GET);
        assertThat(request.target()).isEqualTo(new Target(true, "api.example.com", 443, "/v1/check?id=42&x=%20y"));
        assertThat(request.target().origin()).isEqualTo("https://api.example.com");
        assertThat(request.headers()).isEmpty();
        assertThat(request.body()).isNull();
        assertThat(request.expect()).isEqualTo(Expectation.DEFAULT);
    }

    @Test
    void readsMethodHeadersBodyAndExpectation() {
        VerifyRequest request = parse("{\"method\":\"post\",\"url\":\"http://verify.example.com:8080\","
                + "\"headers\":{\"Authorization\":\"Bearer abc\",\"X-Trace\":\"1\"},\"body\":{\"id\":7},"
                + "\"expect\":{\"status\":[200],\"jsonPointer\":\"/ok\",\"equals\":true}}");
        assertThat(request.method()).isEqualTo(HttpMethod.POST);
        assertThat(request.target()).isEqualTo(new Target(false, "verify.example.com", 8080, "/"));
        assertThat(request.target().authority()).isEqualTo("verify.example.com:8080");
        assertThat(request.headers()).containsExactly(
                org.assertj.core.api.Assertions.entry("Authorization", "Bearer abc"),
                org.assertj.core.api.Assertions.entry("X-Trace", "1"));
        assertThat(request.body().get("id").asInt()).isEqualTo(7);
        assertThat(request.expect().needsBody()).isTrue();
    }

    @Test
    void ipv6LiteralsKeepTheirBracketsOnlyOnTheWire() {
        Target target = parse("{\"url\":\"http://[2001:DB8::1]:8080/x\"}").target();
        assertThat(target.host()).isEqualTo("2001:db8::1");
        assertThat(target.hostIsLiteral()).isTrue();
        assertThat(target.authority()).isEqualTo("[2001:db8::1]:8080");
    }

    @Test
    void refusesMalformedInput() {
        for (String input : List.of(
                "[]",
                "{}",
                "{\"url\":7}",
                "{\"url\":\"ftp://example.com/file\"}",
                "{\"url\":\"file:///etc/passwd\"}",
                "{\"url\":\"/relative/path\"}",
                "{\"url\":\"mailto:someone@example.com\"}",
                "{\"url\":\"http://user:pass@example.com/\"}",
                "{\"url\":\"http://exa mple.com/\"}",
                "{\"url\":\"http://bad_host.example.com/\"}",
                "{\"url\":\"http://example.com:0/\"}",
                "{\"url\":\"http://example.com:70000/\"}",
                "{\"url\":\"http://300.1.1.1/\"}",
                "{\"url\":\"http://example.com/" + "a".repeat(Target.MAX_URL_LENGTH) + "\"}",
                "{\"url\":\"http://example.com/\",\"method\":\"TRACE\"}",
                "{\"url\":\"http://example.com/\",\"method\":\"CONNECT\"}",
                "{\"url\":\"http://example.com/\",\"method\":1}",
                "{\"url\":\"http://example.com/\",\"body\":{}}",
                "{\"url\":\"http://example.com/\",\"method\":\"HEAD\",\"body\":1}",
                "{\"url\":\"http://example.com/\",\"headers\":[]}",
                "{\"url\":\"http://example.com/\",\"headers\":{\"X-Number\":1}}",
                "{\"url\":\"http://example.com/\",\"headers\":{\"X-Injected\":\"a\\r\\nHost: evil\"}}",
                "{\"url\":\"http://example.com/\",\"headers\":{\"Bad Name\":\"x\"}}",
                "{\"url\":\"http://example.com/\",\"expect\":{\"status\":\"ok\"}}",
                "{\"url\":\"http://example.com/\",\"method\":\"HEAD\","
                        + "\"expect\":{\"jsonPointer\":\"/a\",\"equals\":1}}",
                "{\"url\":\"http://example.com/\",\"timeout\":5}")) {
            assertInvalid(input);
        }
    }

    @Test
    void refusesHeadersTheClientMustWriteItself() {
        for (String name : List.of("Host", "host", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding",
                "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Connection", "Expect")) {
            assertInvalid("{\"url\":\"http://example.com/\",\"headers\":{\"" + name + "\":\"x\"}}");
        }
    }

    @Test
    void refusalsNeverEchoHeaderValues() {
        String input = "{\"url\":\"http://example.com/\",\"headers\":{\"Authorization\":\"Bearer secret\\n\"}}";
        assertThatThrownBy(() -> parse(input)).isInstanceOfSatisfying(TaskFailure.class,
                failure -> assertThat(failure.error().message()).contains("Authorization").doesNotContain("secret"));
    }

    private static void assertInvalid(String input) {
        assertThatThrownBy(() -> parse(input)).as(input).isInstanceOfSatisfying(TaskFailure.class, failure -> {
            assertThat(failure.error().code()).isEqualTo("INVALID_INPUT");
            assertThat(failure.error().retryable()).isFalse();
        });
    }

    private static VerifyRequest parse(String json) {
        try {
            return VerifyRequest.parse(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
