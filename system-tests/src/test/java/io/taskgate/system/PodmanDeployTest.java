package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Kubernetes dev overlay started for real: deploy/podman/up.sh builds the images, renders
 * k8s/overlays/dev and plays it with podman; the contract (submit, WebSocket push, polling) is
 * then checked against 127.0.0.1:18080, and deploy/podman/down.sh must leave no pod, volume or
 * image of its own behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanDeployTest {

    private static final Path ROOT = SystemPackages.root();
    private static final Path STATE = ROOT.resolve("system-tests/target/podman-state");
    private static final String API = "http://127.0.0.1:18080";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern DEMO_KEY = Pattern.compile("Demo API key\\s+(\\S+)");

    private static String upOutput;
    private static List<String> volumesBefore = List.of();

    @BeforeAll
    static void up() throws Exception {
        // Only recommended by Debian's podman, yet needed here: catatonit for the pause image of
        // "kube play", netavark and aardvark-dns for pods to find each other by name, and iptables,
        // which netavark runs to set up their network.
        SystemPackages.require("podman", "runc", "catatonit", "netavark", "aardvark-dns", "iptables", "mmdebstrap", "python3-yaml",
                "curl");
        SystemPackages.requireCommand("kubectl", "kubernetes-client");
        volumesBefore = podman("volume", "ls", "--format", "{{.Name}}").lines().toList();
        upOutput = script("up.sh", Map.of());
    }

    @AfterAll
    static void downInAnyCase() throws Exception {
        script("down.sh", Map.of());
    }

    @Test
    @Order(1)
    void theDeployedSystemKeepsTheContract() throws Exception {
        Matcher key = DEMO_KEY.matcher(upOutput);
        assertThat(key.find()).as("up.sh prints a demo key: %s", upOutput).isTrue();
        TaskgateClient api = new TaskgateClient(API, key.group(1));

        JsonNode accepted = api.submit("echo", "{\"message\":\"from the pods\",\"delayMs\":1500,\"steps\":3}");
        String id = accepted.get("id").asText();
        try (SocketClient socket = api.openSocket()) {
            socket.subscribe(id);
            List<JsonNode> pushed = socket.until(SubmitToPushTest::isFinal, WAIT);
            assertThat(pushed.get(0).get("type").asText()).isEqualTo("snapshot");
            assertThat(pushed).anySatisfy(m -> assertThat(m.get("type").asText()).isEqualTo("progress"));
            JsonNode last = pushed.get(pushed.size() - 1);
            assertThat(last.at("/task/status").asText()).isEqualTo("SUCCEEDED");
            assertThat(api.task(id)).isEqualTo(last.get("task"));
        }
        // The LLM path too: the worker pod reaches the simulator pod.
        String chat = api.submit("llm.chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").get("id").asText();
        await().atMost(WAIT).until(() -> api.task(chat).get("status").asText().equals("SUCCEEDED"));
        assertThat(api.task(chat).at("/result/text").asText()).isNotBlank();

        // The databases keep their data in volumes while up.
        List<String> volumesNow = podman("volume", "ls", "--format", "{{.Name}}").lines().toList();
        assertThat(volumesNow).as("volumes while up").hasSizeGreaterThan(volumesBefore.size());
    }

    @Test
    @Order(2)
    void upAgainReplacesWhatRunsAndKeepsTheKey() throws Exception {
        String again = script("up.sh", Map.of("TASKGATE_SKIP_BUILD", "1"));
        Matcher first = DEMO_KEY.matcher(upOutput);
        Matcher second = DEMO_KEY.matcher(again);
        assertThat(first.find() && second.find()).isTrue();
        assertThat(second.group(1)).isEqualTo(first.group(1));
        HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(API + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + second.group(1)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void downLeavesNothingBehindAndCanRunTwice() throws Exception {
        script("down.sh", Map.of());
        script("down.sh", Map.of());
        assertThat(podman("pod", "ps", "--format", "{{.Name}}").lines())
                .noneMatch(name -> List.of("taskgate-api", "taskgate-worker", "postgres", "redis", "llm-simulator").contains(name)
                        || name.startsWith("init-taskgate-"));
        List<String> volumes = podman("volume", "ls", "--format", "{{.Name}}").lines().toList();
        assertThat(volumes).as("volumes after down.sh").containsExactlyInAnyOrderElementsOf(volumesBefore);
        assertThat(podman("images", "--format", "{{.Repository}}").lines())
                .noneMatch(image -> image.contains("taskgate"));
        assertThat(Files.exists(STATE)).isFalse();
    }

    @Test
    @Order(4)
    void withoutPodmanUpSaysWhatToInstall() throws Exception {
        Path bin = Files.createTempDirectory("no-podman");
        for (String tool : List.of("bash", "dirname")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        ProcessBuilder withoutPodman = new ProcessBuilder("/usr/bin/bash", ROOT.resolve("deploy/podman/up.sh").toString())
                .redirectErrorStream(true);
        withoutPodman.environment().put("PATH", bin.toString());
        Process refused = withoutPodman.start();
        String said = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor()).isEqualTo(2);
        assertThat(said).contains("podman is missing").contains("apt-get install podman");
    }

    private static String script(String name, Map<String, String> environment) throws IOException, InterruptedException {
        // Into a file: the containers' monitors inherit the script's output and keep a pipe open.
        Path output = Files.createTempFile("podman-" + name, ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("deploy/podman").resolve(name).toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("TASKGATE_PODMAN_STATE", STATE.toString());
        builder.environment().put("TASKGATE_IMAGES", "debian");
        builder.environment().put("TASKGATE_SKIP_BUILD", "1");
        builder.environment().putAll(environment);
        int exit = builder.start().waitFor();
        String said = Files.readString(output);
        Files.delete(output);
        assertThat(exit).as("%s said:%n%s", name, said).isZero();
        return said;
    }

    private static String podman(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        return Commands.stdout(command);
    }
}
