package io.taskgate.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestOutcomesTest {

    @Test
    void aLoggedPathNamesTheRouteNotTheTask() {
        assertThat(RequestOutcomes.template("/api/v1/tasks/0190f3c2-7d4e-7a1b-9c3d-2e4f6a8b0c1d/cancel"))
                .isEqualTo("/api/v1/tasks/{id}/cancel");
        assertThat(RequestOutcomes.template("/api/v1/tasks")).isEqualTo("/api/v1/tasks");
    }
}
