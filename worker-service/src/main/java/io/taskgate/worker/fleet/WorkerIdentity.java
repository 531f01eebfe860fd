package io.taskgate.worker.fleet;

import io.taskgate.worker.stream.StreamChannelSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who this worker is to the rest of the fleet: its consumer name in the stream group (unique per
 * live process), so that its reports, its breakers and its pending entries all go by one name.
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String id;
    private final String host;
    private final String version;
    private final Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

    public WorkerIdentity(@ConfigProperty(name = "mp.messaging.incoming.tasks.consumer") Optional<String> consumer,
            @ConfigProperty(name = "quarkus.application.version") Optional<String> version) {
        this.id = consumer.orElseGet(StreamChannelSettings::defaultConsumer);
        this.host = System.getenv().getOrDefault("HOSTNAME", hostName());
        this.version = version.orElse("unknown");
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public String version() {
        return version;
    }

    public Instant startedAt() {
        return startedAt;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException unknown) {
            return "unknown";
        }
    }
}
