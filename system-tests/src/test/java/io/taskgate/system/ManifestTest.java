package io.taskgate.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every Kustomize overlay with kubectl and checks it against the services as they are:
 * probes on endpoints a running api and worker answer, container ports and environment names the
 * applications know, requests and limits on every container, the KEDA trigger on the real stream
 * and group, and no secret outside a Secret.
 */
class ManifestTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|TOKEN|SECRET|API_KEY");
    private static final Pattern SETTING_ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|", Pattern.MULTILINE);
    private static final Path ROOT = SystemPackages.root();

    private static RunningSystem system;
    private static TaskgateClient api;
    private static io.taskgate.local.ServiceProcess worker;

    @BeforeAll
    static void start() {
        SystemPackages.requireCommand("kubectl", "kubernetes-client");
        system = RunningSystem.start("manifests");
        api = system.startApi("api-1");
        worker = system.startWorker("worker-1");
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
    void overlayMatchesTheServices(String overlay) throws Exception {
        List<JsonNode> documents = render(overlay);
        Map<String, JsonNode> configMaps = new HashMap<>();
        documents.stream().filter(d -> kind(d, "ConfigMap")).forEach(d -> configMaps.put(name(d), d));

        List<JsonNode> services = documents.stream()
                .filter(d -> kind(d, "Deployment") && name(d).startsWith("taskgate-")).toList();
        assertThat(services).extracting(ManifestTest::name).containsExactlyInAnyOrder("taskgate-api", "taskgate-worker");
        for (JsonNode deployment : services) {
            boolean isApi = name(deployment).equals("taskgate-api");
            Properties application = applicationProperties(isApi ? "api-service" : "worker-service");
            Set<String> knownVariables = knownVariables(application, isApi ? "api-service" : "worker-service");
            String base = isApi ? api.process().baseUrl() : worker.baseUrl();
            JsonNode spec = deployment.at("/spec/template/spec");
            List<JsonNode> containers = new ArrayList<>();
            spec.path("initContainers").forEach(containers::add);
            spec.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                String where = overlay + " " + name(deployment) + "/" + container.path("name").asText();
                assertThat(container.at("/resources/requests/cpu").asText()).as("%s cpu request", where).isNotBlank();
                assertThat(container.at("/resources/requests/memory").asText()).as("%s memory request", where).isNotBlank();
                assertThat(container.at("/resources/limits/memory").asText()).as("%s memory limit", where).isNotBlank();
                for (JsonNode variable : container.path("env")) {
                    String variableName = variable.path("name").asText();
                    assertThat(knownVariables).as("%s: %s is a setting of the service", where, variableName).contains(variableName);
                    if (SECRET_NAME.matcher(variableName).find()) {
                        assertThat(variable.has("value")).as("%s: %s is written in the manifest", where, variableName).isFalse();
                        assertThat(variable.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("taskgate-secrets");
                        // Mandatory: without the Secret the pod does not start.
                        assertThat(variable.at("/valueFrom/secretKeyRef/optional").asBoolean(false)).isFalse();
                    }
                }
                for (JsonNode source : container.path("envFrom")) {
                    JsonNode configMap = configMaps.get(source.at("/configMapRef/name").asText());
                    assertThat(configMap).as("%s: the ConfigMap it reads", where).isNotNull();
                    configMap.path("data").fieldNames().forEachRemaining(key -> {
                        assertThat(knownVariables).as("%s: ConfigMap key %s is a setting", where, key).contains(key);
                        assertThat(SECRET_NAME.matcher(key).find()).as("%s: %s sits in a ConfigMap", where, key).isFalse();
                    });
                }
            }
            JsonNode main = spec.path("containers").get(0);
            int port = main.at("/ports/0/containerPort").asInt();
            assertThat(port).as("%s port", name(deployment))
                    .isEqualTo(Integer.parseInt(application.getProperty("quarkus.http.port")));
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                JsonNode http = main.path(probe).path("httpGet");
                assertThat(http.path("port").asText()).as("%s %s port", name(deployment), probe)
                        .isIn(String.valueOf(port), main.at("/ports/0/name").asText());
                assertThat(status(base + http.path("path").asText())).as("%s %s %s", name(deployment), probe, http)
                        .isEqualTo(200);
            }
        }

        Properties worker = applicationProperties("worker-service");
        JsonNode trigger = documents.stream().filter(d -> kind(d, "ScaledObject")).findFirst().orElseThrow()
                .at("/spec/triggers/0");
        assertThat(trigger.path("type").asText()).isEqualTo("redis-streams");
        assertThat(trigger.at("/metadata/stream").asText()).isEqualTo(worker.getProperty("mp.messaging.incoming.tasks.stream"));
        assertThat(trigger.at("/metadata/consumerGroup").asText())
                .isEqualTo(worker.getProperty("mp.messaging.incoming.tasks.group"));

        assertThat(documents).as("no Secret is shipped; the operator creates taskgate-secrets")
                .noneMatch(d -> kind(d, "Secret"));
    }

    private static List<JsonNode> render(String overlay) throws IOException {
        String yaml = Commands.run(List.of("kubectl", "kustomize", ROOT.resolve(overlay).toString()));
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> each = YAML.readerFor(JsonNode.class).readValues(new StringReader(yaml))) {
            while (each.hasNext()) {
                documents.add(each.next());
            }
        }
        return documents;
    }

    private static Properties applicationProperties(String module) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve(module).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /** Environment names of the service's settings: its own properties, and the documented table. */
    private static Set<String> knownVariables(Properties application, String module) throws IOException {
        Set<String> known = new HashSet<>();
        application.stringPropertyNames().forEach(property -> known.add(property.toUpperCase().replaceAll("[^A-Z0-9]", "_")));
        String guide = Files.readString(ROOT.resolve("src-docs/deployment.md"));
        String table = guide.substring(guide.indexOf("### " + module));
        int next = table.indexOf("\n### ", 4);
        Matcher row = SETTING_ROW.matcher(next < 0 ? table : table.substring(0, next));
        while (row.find()) {
            known.add(row.group(1));
        }
        return known;
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean kind(JsonNode document, String kind) {
        return document.path("kind").asText().equals(kind);
    }

    private static String name(JsonNode document) {
        return document.at("/metadata/name").asText();
    }
}
