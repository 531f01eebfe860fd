package io.taskgate.model;

import io.smallrye.mutiny.Uni;

/**
 * Where task events go. A change is already committed when its event is sent, so a sink never
 * fails its caller: what is lost shows in the next event, a snapshot or a poll.
 */
public interface TaskEventSink {

    Uni<Void> publish(TaskEvent event);
}
