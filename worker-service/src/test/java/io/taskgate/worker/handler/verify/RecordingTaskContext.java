package io.taskgate.worker.handler.verify;

import io.smallrye.mutiny.Uni;
import io.taskgate.worker.handler.TaskContext;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task context that records what the handler reports through it. */
final class RecordingTaskContext implements TaskContext {

    final List<Double> progress = new CopyOnWriteArrayList<>();
    final List<String> output = new CopyOnWriteArrayList<>();
    private final UUID taskId = UUID.randomUUID();

    @Override
    public UUID taskId() {
        return taskId;
    }

    @Override
    public String tenantId() {
        return "default";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public Uni<Void> progress(double fraction) {
        progress.add(fraction);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> output(String chunk) {
        output.add(chunk);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> sleep(Duration duration) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(duration);
    }
}
