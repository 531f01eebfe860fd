package io.taskgate.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void memberOrderDoesNotMatterAtAnyDepth() throws Exception {
        assertThat(RequestFingerprint.of("echo", read("{\"a\":1,\"b\":{\"x\":[1,{\"q\":1,\"p\":2}],\"y\":null}}")))
                .isEqualTo(RequestFingerprint.of("echo", read("{\"b\":{\"y\":null,\"x\":[1,{\"p\":2,\"q\":1}]},\"a\":1}")));
    }

    @Test
    void typeValuesAndArrayOrderDo() throws Exception {
        String base = RequestFingerprint.of("echo", read("{\"a\":[1,2]}"));
        assertThat(RequestFingerprint.of("other", read("{\"a\":[1,2]}"))).isNotEqualTo(base);
        assertThat(RequestFingerprint.of("echo", read("{\"a\":[2,1]}"))).isNotEqualTo(base);
        assertThat(RequestFingerprint.of("echo", read("{\"a\":[1,3]}"))).isNotEqualTo(base);
        assertThat(RequestFingerprint.of("echo", read("{\"a\":[1,2],\"b\":null}"))).isNotEqualTo(base);
    }

    @Test
    void missingInputIsAnEmptyObjectAndTheHashIsHexSha256() throws Exception {
        String empty = RequestFingerprint.of("echo", read("{}"));
        assertThat(RequestFingerprint.of("echo", null)).isEqualTo(empty);
        assertThat(empty).matches("[0-9a-f]{64}");
    }

    private JsonNode read(String text) throws Exception {
        return json.readTree(text);
    }
}
