package io.taskgate.api.task;

import io.taskgate.model.TaskView;
import java.util.List;

/** One page of a task listing; {@code nextCursor} is null on the last page. */
public record TaskPage(List<TaskView> items, String nextCursor) {
}
