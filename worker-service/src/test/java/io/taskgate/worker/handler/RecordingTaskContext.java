package io.taskgate.worker.handler;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A task context for handler tests that records what the handler reports through it. Sleeps are
 * recorded and either waited out or skipped, as the test chooses.
 */
public final class RecordingTaskContext implements TaskContext {

    public final List<Double> progress = new CopyOnWriteArrayList<>();
    public final List<String> output = new CopyOnWriteArrayList<>();
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final UUID taskId = UUID.randomUUID();
    private final boolean waitOutSleeps;

    private RecordingTaskContext(boolean waitOutSleeps) {
        this.waitOutSleeps = waitOutSleeps;
    }

    /** Sleeps really wait. */
    public static RecordingTaskContext waiting() {
        return new RecordingTaskContext(true);
    }

    /** Sleeps return at once; only their durations are kept. */
    public static RecordingTaskContext instant() {
        return new RecordingTaskContext(false);
    }

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
        sleeps.add(duration);
        return waitOutSleeps ? Uni.createFrom().voidItem().onItem().delayIt().by(duration) : Uni.createFrom().voidItem();
    }
}
