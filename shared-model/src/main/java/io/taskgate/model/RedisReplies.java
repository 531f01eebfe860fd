package io.taskgate.model;

import io.vertx.mutiny.redis.client.Response;

/** Reading the structured replies of Redis commands (XINFO and the like) the same way in both services. */
public final class RedisReplies {

    private RedisReplies() {
    }

    /** A field of a reply that Redis sent as a map (RESP3) or as a flat name/value list (RESP2); null if absent. */
    public static String field(Response reply, String name) {
        if (reply.getKeys() != null && !reply.getKeys().isEmpty()) {
            Response value = reply.get(name);
            return value == null ? null : value.toString();
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (name.equals(reply.get(i).toString())) {
                Response value = reply.get(i + 1);
                return value == null ? null : value.toString();
            }
        }
        return null;
    }
}
