package io.taskgate.worker.handler.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgate.worker.handler.TaskFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Status matching and body checks of an expectation. */
class ExpectationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultAcceptsEvery2xxStatusAndIgnoresTheBody() {
        Expectation expect = Expectation.parse(null);
        assertThat(expect.acceptsStatus(200)).isTrue();
        assertThat(expect.acceptsStatus(299)).isTrue();
        assertThat(expect.acceptsStatus(199)).isFalse();
        assertThat(expect.acceptsStatus(300)).isFalse();
        assertThat(expect.needsBody()).isFalse();
        assertThat(expect.valueIn("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void statusMayBeAClassAListOrOneStatus() {
        Expectation fourxx = expect("{\"status\":\"4xx\"}");
        assertThat(fourxx.acceptsStatus(404)).isTrue();
        assertThat(fourxx.acceptsStatus(200)).isFalse();
        assertThat(fourxx.describeStatus()).isEqualTo("4xx");

        Expectation listed = expect("{\"status\":[204,200]}");
        assertThat(listed.acceptsStatus(200)).isTrue();
        assertThat(listed.acceptsStatus(204)).isTrue();
        assertThat(listed.acceptsStatus(201)).isFalse();
        assertThat(listed.describeStatus()).isEqualTo("[200, 204]");

        assertThat(expect("{\"status\":302}").acceptsStatus(302)).isTrue();
    }

    @Test
    void malformedExpectationsAreInvalidInput() {
        for (String input : List.of("[]", "{\"status\":\"2XX\"}", "{\"status\":\"6xx\"}", "{\"status\":\"2xxx\"}",
                "{\"status\":[]}", "{\"status\":[99]}", "{\"status\":[600]}", "{\"status\":[200.5]}",
                "{\"status\":true}", "{\"jsonPointer\":\"/a\"}", "{\"equals\":true}",
                "{\"jsonPointer\":\"data/verified\",\"equals\":true}", "{\"jsonPointer\":7,\"equals\":true}",
                "{\"statuses\":[200]}")) {
            assertThatThrownBy(() -> expect(input)).as(input).isInstanceOfSatisfying(TaskFailure.class, failure -> {
                assertThat(failure.error().code()).isEqualTo("INVALID_INPUT");
                assertThat(failure.error().retryable()).isFalse();
            });
        }
    }

    @Test
    void theValueAtThePointerMustEqualTheExpectedOne() {
        Expectation expect = expect("{\"jsonPointer\":\"/data/verified\",\"equals\":true}");
        assertThat(expect.needsBody()).isTrue();
        assertThat(expect.valueIn(body("{\"data\":{\"verified\":true,\"other\":1}}")))
                .isEqualTo(JSON.getNodeFactory().booleanNode(true));
        assertVerificationFails(expect, "{\"data\":{\"verified\":false}}",
                "value at /data/verified is false, expected true");
        assertVerificationFails(expect, "{\"data\":{}}", "response has nothing at /data/verified, expected true");
        assertVerificationFails(expect, "<html>", "response body is not JSON");
        assertVerificationFails(expect, "", "response body is not JSON");
    }

    @Test
    void structuredValuesCompareDeeplyAndNumbersByValue() {
        Expectation expect = expect("{\"jsonPointer\":\"/result\",\"equals\":{\"n\":1,\"tags\":[\"a\",null]}}");
        assertThat(expect.valueIn(body("{\"result\":{\"tags\":[\"a\",null],\"n\":1.0}}"))).isNotNull();
        assertVerificationFails(expect, "{\"result\":{\"n\":1,\"tags\":[\"a\"]}}",
                "value at /result is an object with 2 members");

        Expectation expectNull = expect("{\"jsonPointer\":\"/a~1b/0\",\"equals\":null}");
        assertThat(expectNull.valueIn(body("{\"a/b\":[null]}")).isNull()).isTrue();
        assertVerificationFails(expectNull, "{\"a/b\":[]}", "nothing at /a~1b/0");
    }

    @Test
    void failureMessagesNeverEchoLongValuesOrTheBody() {
        String secret = "s3cr3t-".repeat(20);
        Expectation expect = expect("{\"jsonPointer\":\"/token\",\"equals\":\"expected\"}");
        assertThatThrownBy(() -> expect.valueIn(body("{\"token\":\"" + secret + "\",\"other\":\"" + secret + "\"}")))
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.error().message()).doesNotContain("s3cr3t")
                            .contains("a string of " + secret.length() + " characters");
                });
    }

    private static void assertVerificationFails(Expectation expect, String body, String message) {
        assertThatThrownBy(() -> expect.valueIn(body(body))).as(body)
                .isInstanceOfSatisfying(TaskFailure.class, failure -> {
                    assertThat(failure.error().code()).isEqualTo("VERIFICATION_FAILED");
                    assertThat(failure.error().retryable()).isFalse();
                    assertThat(failure.error().message()).contains(message);
                });
    }

    private static Expectation expect(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return Expectation.parse(node);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
