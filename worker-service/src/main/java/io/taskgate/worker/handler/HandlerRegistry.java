package io.taskgate.worker.handler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every handler this worker can run, by task type: CDI beans first, then handlers found through
 * Java's ServiceLoader. Two handlers for one type is a configuration error and stops start-up.
 */
@ApplicationScoped
public class HandlerRegistry {

    private final Map<String, TaskHandler> byType;

    @Inject
    public HandlerRegistry(@Any Instance<TaskHandler> beans) {
        Map<String, TaskHandler> handlers = new TreeMap<>();
        beans.forEach(handler -> register(handlers, handler));
        ServiceLoader.load(TaskHandler.class, Thread.currentThread().getContextClassLoader())
                .forEach(handler -> register(handlers, handler));
        this.byType = Collections.unmodifiableMap(handlers);
    }

    private HandlerRegistry(Map<String, TaskHandler> byType) {
        this.byType = Collections.unmodifiableMap(byType);
    }

    /** A registry of exactly these handlers, for running the core without the container. */
    public static HandlerRegistry of(TaskHandler... handlers) {
        Map<String, TaskHandler> byType = new TreeMap<>();
        for (TaskHandler handler : handlers) {
            register(byType, handler);
        }
        return new HandlerRegistry(byType);
    }

    private static void register(Map<String, TaskHandler> handlers, TaskHandler handler) {
        TaskHandler previous = handlers.putIfAbsent(handler.type(), handler);
        if (previous != null && previous.getClass() != handler.getClass()) {
            throw new IllegalStateException("two handlers for task type '" + handler.type() + "': "
                    + previous.getClass().getName() + " and " + handler.getClass().getName());
        }
    }

    public Optional<TaskHandler> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public java.util.Set<String> types() {
        return byType.keySet();
    }
}
