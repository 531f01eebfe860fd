package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatCompletionTest {

    private LlmSimulator simulator;
    private SimulatorClient client;

    @BeforeEach
    void start() {
        simulator = LlmSimulator.start(0, SimulatorConfig.defaults()
                .merge("{\"firstTokenMs\":5,\"tokensPerSecond\":2000,\"replyTokens\":4}"));
        client = new SimulatorClient(simulator.port());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void answersWithOneChatCompletionWhenNotStreaming() {
        HttpResponse<String> response = client.chat(SimulatorClient.chatBody("\"temperature\":0.2"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = SimulatorClient.json(response.body());
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        assertThat(body.path("created").asLong()).isPositive();
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Simulated reply token1 token2");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void usesTheConfiguredModelWhenTheRequestNamesNone() {
        JsonNode body = SimulatorClient.json(client.chat(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").body());

        assertThat(body.path("model").asText()).isEqualTo("taskgate-sim-1");
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Simulated reply");
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void refusesARequestWithoutMessages() {
        HttpResponse<String> response = client.chat("{\"model\":\"test-model\",\"stream\":true}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(response.body())).isEqualTo(SimulatorClient.json(
                "{\"error\":{\"message\":\"'messages' must be a non-empty array\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}"));
    }

    @Test
    void refusesAnEmptyMessagesArrayAndABodyThatIsNotJson() {
        HttpResponse<String> empty = client.chat("{\"model\":\"test-model\",\"messages\":[]}");
        HttpResponse<String> garbage = client.chat("not json");

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(empty.body()).path("error").path("param").asText()).isEqualTo("messages");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(garbage.body()).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
    }

    @Test
    void refusesAMaxTokensThatIsNotPositive() {
        HttpResponse<String> response = client.chat(SimulatorClient.chatBody("\"max_tokens\":0"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimulatorClient.json(response.body()).path("error").path("param").asText()).isEqualTo("max_tokens");
    }

    @Test
    void requiresTheConfiguredApiKey() {
        client.configure("{\"requireApiKey\":\"sk-test-123\"}");
        String body = SimulatorClient.chatBody("");

        HttpResponse<String> missing = client.chat(body);
        HttpResponse<String> wrong = client.send(client.chatRequest(body)
                .header("Authorization", "Bearer sk-wrong").build());
        HttpResponse<String> right = client.send(client.chatRequest(body)
                .header("Authorization", "Bearer sk-test-123").build());

        for (HttpResponse<String> refused : new HttpResponse[] {missing, wrong}) {
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode error = SimulatorClient.json(refused.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(refused.body()).doesNotContain("sk-wrong");
        }
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(client.stats().path("byStatus").path("401").asLong()).isEqualTo(2);
    }

    @Test
    void listsTheConfiguredModel() {
        client.configure("{\"model\":\"my-model\"}");

        HttpResponse<String> response = client.get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimulatorClient.json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(1);
        assertThat(body.path("data").get(0).path("id").asText()).isEqualTo("my-model");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
    }

    @Test
    void answersUnknownPathsWith404Json() {
        HttpResponse<String> response = client.get("/v1/embeddings");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(SimulatorClient.json(response.body()).path("error").path("message").asText())
                .contains("/v1/embeddings");
    }
}
