package io.taskgate.worker.handler.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings' defaults, read through the real mapping. */
class VerifyConfigTest {

    @Test
    void defaultsAreClosedAndBounded() {
        VerifyConfig config = TestVerifyConfigs.config(Map.of());
        assertThat(config.allowedHosts()).isEmpty();
        assertThat(config.allowPrivateAddresses()).isFalse();
        assertThat(config.maxRedirects()).isEqualTo(3);
        assertThat(config.maxResponseBytes()).isEqualTo(1024 * 1024);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.firstByteTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.totalTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.poolSize()).isPositive();
    }

    @Test
    void allowedHostsIsACommaSeparatedList() {
        VerifyConfig config = TestVerifyConfigs.config(
                Map.of("taskgate.verify.allowed-hosts", "api.example.com,*.verify.example.org"));
        assertThat(config.allowedHosts()).contains(List.of("api.example.com", "*.verify.example.org"));
    }

    @Test
    void anEmptyAllowListAllowsNothing() {
        TargetPolicy policy = TargetPolicy.of(TestVerifyConfigs.config(Map.of()));
        assertThat(policy.refuseHost("api.example.com")).isPresent();
    }
}
