package io.taskgate.worker.health;

import io.taskgate.worker.stream.TaskStreamReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the consumer group exists and the reader is taking work; not ready while stopping. */
@Readiness
@ApplicationScoped
public class StreamReaderHealthCheck implements HealthCheck {

    private final TaskStreamReader reader;

    public StreamReaderHealthCheck(TaskStreamReader reader) {
        this.reader = reader;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("task-stream-reader")
                .status(reader.isReading())
                .withData("consumer", reader.consumerName())
                .withData("inFlight", reader.inFlight())
                .build();
    }
}
