package io.taskgate.api.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.taskgate.model.TaskView;
import java.time.Instant;

/** A stuck task as listed: the task's usual view, plus why it counts as stuck and since when. */
public record StuckTask(@JsonUnwrapped TaskView task, StuckReason reason, Instant since) {
}
