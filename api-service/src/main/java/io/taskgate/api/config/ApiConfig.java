package io.taskgate.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** Every setting of the api-service and its default, in one place. */
@ConfigMapping(prefix = "taskgate.api")
public interface ApiConfig {

    Tasks tasks();

    Sockets sockets();

    interface Tasks {
        /**
         * Task types accepted even when no worker has announced them yet, so tasks can be
         * submitted before the first worker starts. Types that a running worker declares are
         * accepted too.
         */
        @WithDefault("echo")
        Set<String> knownTypes();

        /** Page size when a listing does not ask for one. */
        @WithDefault("50")
        int defaultPageSize();

        /** Largest page a listing may ask for, so one call cannot read the whole table. */
        @WithDefault("200")
        int maxPageSize();
    }

    interface Sockets {
        /** Most task ids a single WebSocket connection may follow at once. */
        @WithDefault("1000")
        int maxSubscriptionsPerConnection();
    }
}
