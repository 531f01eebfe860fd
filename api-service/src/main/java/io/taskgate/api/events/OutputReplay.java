package io.taskgate.api.events;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.taskgate.model.RedisNames;
import io.taskgate.model.TaskEvent;
import io.taskgate.model.TaskStatus;
import io.taskgate.model.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output a running attempt has produced so far, so that a subscriber who arrives
 * mid-stream gets it before the live chunks. A finished task needs none: its result holds the
 * whole output. If Redis cannot be read, the subscriber still gets the live output from here on.
 */
@ApplicationScoped
class OutputReplay {

    private final ReactiveRedisDataSource redis;

    OutputReplay(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    Uni<List<TaskEvent>> soFar(TaskView task) {
        if (task.status() != TaskStatus.RUNNING) {
            return Uni.createFrom().item(List.of());
        }
        return redis.list(String.class).lrange(RedisNames.outputBuffer(task.id(), task.attempts()), 0, -1)
                .map(chunks -> {
                    List<TaskEvent> events = new ArrayList<>(chunks.size());
                    for (int index = 0; index < chunks.size(); index++) {
                        events.add(TaskEvent.output(task, chunks.get(index), index));
                    }
                    return events;
                })
                .onFailure().recoverWithItem(List.of());
    }
}
