package io.taskgate.worker.handler.verify;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** Builds {@link VerifyConfig} through the real mapping and its defaults, with the given overrides. */
final class TestVerifyConfigs {

    private TestVerifyConfigs() {
    }

    static VerifyConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(VerifyConfig.class)
                // Quarkus reads "2s" as two seconds; plain SmallRye only knows ISO-8601.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(VerifyConfig.class);
    }
}
