package io.taskgate.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.taskgate.local.PostgresServer;
import io.taskgate.local.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts real PostgreSQL and Redis processes for the api-service's Quarkus tests. */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private PostgresServer postgres;
    private RedisServerProcess redis;

    @Override
    public Map<String, String> start() {
        try {
            Path data = Files.createTempDirectory("taskgate-api-test");
            postgres = PostgresServer.start(data.resolve("postgres"), 0);
            redis = RedisServerProcess.start(data.resolve("redis"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.redis.hosts", redis.url());
    }

    @Override
    public void stop() {
        try {
            if (redis != null) {
                redis.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
