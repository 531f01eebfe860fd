package io.taskgate.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launch contract: {@code --port 0} picks a free port and says which on stdout. */
class LlmSimulatorProcessTest {

    @Test
    void printsTheChosenPortAndServesOnIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LlmSimulator.class.getName(), "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = stdout.readLine();

            assertThat(line).matches("llm-simulator listening on \\d+");
            int port = Integer.parseInt(line.substring("llm-simulator listening on ".length()));
            assertThat(port).isPositive();
            SimulatorClient client = new SimulatorClient(port);
            assertThat(client.get("/_sim/health").body()).contains("UP");
            assertThat(client.chat(SimulatorClient.chatBody("\"max_tokens\":2")).body()).contains("Simulated reply");
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
