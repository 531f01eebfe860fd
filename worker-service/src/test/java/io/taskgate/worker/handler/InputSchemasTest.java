package io.taskgate.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in schemas say what their handlers accept: what a handler runs fits its schema, and
 * what it would fail as invalid input does not, so the api refuses exactly the tasks that could
 * only fail.
 */
class InputSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @Test
    void echo() {
        expect("echo",
                List.of("{}", "{\"message\":\"hi\"}", "{\"message\":{\"any\":[1]},\"delayMs\":60000,\"steps\":100}",
                        "{\"delayMs\":null,\"steps\":0}"),
                List.of("{\"delayMs\":-1}", "{\"delayMs\":60001}", "{\"delayMs\":1.5}", "{\"delayMs\":\"5\"}",
                        "{\"steps\":101}", "{\"steps\":\"x\"}", "{\"delayMS\":5}"));
    }

    @Test
    void flaky() {
        expect("flaky",
                List.of("{}", "{\"failAttempts\":2,\"delayMs\":10,\"retryable\":false,\"code\":\"BOOM\"}"),
                List.of("{\"failAttempts\":-1}", "{\"failAttempts\":1001}", "{\"retryable\":\"no\"}", "{\"fails\":1}"));
    }

    @Test
    void llmChat() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        expect("llm-chat",
                List.of("{" + messages + "}", "{" + messages + ",\"model\":\"m\",\"maxTokens\":1,\"temperature\":0}",
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
                        "{" + messages + ",\"temperature\":2,\"maxTokens\":null}"),
                List.of("{}", "{\"messages\":[]}", "{\"messages\":[{\"role\":\"user\"}]}",
                        "{\"messages\":[{\"role\":1,\"content\":\"x\"}]}", "{" + messages + ",\"maxTokens\":0}",
                        "{" + messages + ",\"temperature\":2.5}", "{" + messages + ",\"model\":\" \"}",
                        "{" + messages + ",\"max_tokens\":5}"));
    }

    @Test
    void httpVerify() {
        expect("http-verify",
                List.of("{\"url\":\"https://example.org\"}",
                        "{\"url\":\"http://a\",\"method\":\"post\",\"headers\":{\"X-A\":\"b\"},\"body\":{\"k\":1},"
                                + "\"expect\":{\"status\":[200,201],\"jsonPointer\":\"/ok\",\"equals\":true}}",
                        "{\"url\":\"https://a\",\"expect\":{\"status\":\"2xx\"}}", "{\"url\":\"https://a\",\"expect\":{\"status\":204}}"),
                List.of("{}", "{\"url\":\"ftp://a\"}", "{\"url\":\"https://a\",\"method\":\"BREW\"}",
                        "{\"url\":\"https://a\",\"headers\":{\"x\":1}}", "{\"url\":\"https://a\",\"expect\":{\"status\":600}}",
                        "{\"url\":\"https://a\",\"expect\":{\"status\":[]}}", "{\"url\":\"https://a\",\"expect\":{\"sttus\":1}}",
                        "{\"url\":\"https://a\",\"timeout\":5}"));
    }

    private static void expect(String schemaName, List<String> fitting, List<String> refused) {
        JsonSchema schema = SCHEMAS.getSchema(InputSchemas.load(schemaName));
        for (String input : fitting) {
            assertThat(schema.validate(read(input))).as("%s accepts %s", schemaName, input).isEmpty();
        }
        for (String input : refused) {
            assertThat(schema.validate(read(input))).as("%s refuses %s", schemaName, input).isNotEmpty();
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
