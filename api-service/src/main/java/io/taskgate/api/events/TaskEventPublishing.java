package io.taskgate.api.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.taskgate.model.TaskEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * The api publishes the changes it records itself (cancellations, recoveries): rare, each one a
 * person's action, so each lost event is worth a WARN.
 */
public class TaskEventPublishing {

    private static final Logger LOG = Logger.getLogger(TaskEventPublishing.class);

    @Produces
    @ApplicationScoped
    TaskEventPublisher publisher(ReactiveRedisDataSource redis, ObjectMapper json) {
        return new TaskEventPublisher(redis, json, publish -> publish.onFailure().invoke(e ->
                LOG.warnf("could not publish a task event; sockets see the change at their next snapshot: %s",
                        e.getMessage())));
    }
}
