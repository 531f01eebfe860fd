package io.taskgate.worker.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.taskgate.model.TaskEventPublisher;
import io.taskgate.worker.loops.BackgroundLoop;
import io.taskgate.worker.loops.BackgroundLoops;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * A worker publishes an event for every change and every piece of output: while Redis is away,
 * the first failure is a WARN and the rest are counted, not one line per event.
 */
public class TaskEventPublishing {

    @Produces
    @ApplicationScoped
    TaskEventPublisher publisher(ReactiveRedisDataSource redis, ObjectMapper json, BackgroundLoops loops) {
        BackgroundLoop publishing = loops.loop("task-event-publishing", TaskEventPublisher.class);
        return new TaskEventPublisher(redis, json, publishing::watch);
    }
}
