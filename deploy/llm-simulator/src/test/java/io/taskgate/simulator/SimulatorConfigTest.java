package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SimulatorConfig defaults = SimulatorConfig.defaults();

        assertThat(defaults.model()).isEqualTo("taskgate-sim-1");
        assertThat(defaults.firstTokenMs()).isEqualTo(200);
        assertThat(defaults.tokensPerSecond()).isEqualTo(50);
        assertThat(defaults.tokenIntervalMs()).isEqualTo(20);
        assertThat(defaults.replyTokens()).isEqualTo(20);
        assertThat(defaults.retryAfterSeconds()).isEqualTo(2);
        assertThat(defaults.keepAliveMs()).isEqualTo(15_000);
        assertThat(defaults.lineEnding()).isEqualTo("\n");
        assertThat(defaults.requireApiKey()).isNull();
        assertThat(defaults.errorRate() + defaults.rateLimitRate() + defaults.hangRate() + defaults.badRequestRate())
                .isZero();
    }

    @Test
    void mergeChangesOnlyTheFieldsGiven() {
        SimulatorConfig merged = SimulatorConfig.defaults().merge("{\"hangRate\":0.5,\"lineEnding\":\"\\r\\n\"}");

        assertThat(merged).isEqualTo(new SimulatorConfig("taskgate-sim-1", 200, 50, 20, 0, 0, 2, 0.5, 0, 15_000,
                "\r\n", null, 42));
    }

    @Test
    void mergeRefusesNullsExceptForTheApiKey() {
        SimulatorConfig withKey = SimulatorConfig.defaults().merge("{\"requireApiKey\":\"k\"}");

        assertThat(withKey.merge("{\"requireApiKey\":null}").requireApiKey()).isNull();
        assertThatThrownBy(() -> withKey.merge("{\"firstTokenMs\":null}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstTokenMs");
    }

    @Test
    void mergeRefusesWrongTypesAndValuesOutOfRange() {
        SimulatorConfig defaults = SimulatorConfig.defaults();

        assertThatThrownBy(() -> defaults.merge("{\"tokensPerSecond\":0}")).hasMessageContaining("tokensPerSecond");
        assertThatThrownBy(() -> defaults.merge("{\"replyTokens\":0}")).hasMessageContaining("replyTokens");
        assertThatThrownBy(() -> defaults.merge("{\"badRequestRate\":-0.1}")).hasMessageContaining("badRequestRate");
        assertThatThrownBy(() -> defaults.merge("{\"keepAliveMs\":\"soon\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.merge("[1]")).hasMessageContaining("JSON object");
    }
}
