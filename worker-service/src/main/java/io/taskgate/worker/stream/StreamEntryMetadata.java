package io.taskgate.worker.stream;

import io.vertx.core.Context;

/**
 * Where a message came from, and the duplicated Vert.x context it was delivered on. Work for
 * the message belongs on that context: Hibernate Reactive keeps its session there, and
 * messages processed side by side must not share one.
 */
public record StreamEntryMetadata(String stream, String entryId, Context context) {
}
