package io.taskgate.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters over chat completion requests, read by tests through {@code GET /_sim/stats} to check
 * what the client really did (how many calls, how many it abandoned). Thread-safe: the server
 * runs on several event loops.
 */
public final class SimulatorStats {

    private final LongAdder requests = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder streamsStarted = new LongAdder();
    private final LongAdder streamsCompleted = new LongAdder();
    private final LongAdder clientDisconnects = new LongAdder();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong maxActive = new AtomicLong();
    private final ResponseTimes answeredTimes = new ResponseTimes();

    void requestStarted() {
        requests.increment();
        long now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
    }

    void responded(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void streamStarted() {
        streamsStarted.increment();
    }

    void streamCompleted() {
        streamsCompleted.increment();
    }

    /**
     * Called exactly once per request, when its response ended or its client went away, with the
     * time since it arrived. Only answered requests count towards the response times.
     */
    void requestEnded(boolean clientClosedFirst, long nanosSinceArrival) {
        active.decrementAndGet();
        if (clientClosedFirst) {
            clientDisconnects.increment();
        } else {
            answeredTimes.record(nanosSinceArrival);
        }
    }

    /**
     * Zeroes the counters. {@code active} is left alone: it counts requests still running, which
     * will still end and decrement it; {@code maxActive} restarts from that level.
     */
    void reset() {
        requests.reset();
        byStatus.clear();
        streamsStarted.reset();
        streamsCompleted.reset();
        clientDisconnects.reset();
        answeredTimes.reset();
        maxActive.set(active.get());
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("requests", requests.sum());
        ObjectNode statuses = json.putObject("byStatus");
        new TreeMap<>(byStatus).forEach((status, count) -> statuses.put(String.valueOf(status), count.sum()));
        json.put("streamsStarted", streamsStarted.sum());
        json.put("streamsCompleted", streamsCompleted.sum());
        json.put("clientDisconnects", clientDisconnects.sum());
        json.put("active", active.get());
        json.put("maxActive", maxActive.get());
        json.set("answeredMs", answeredTimes.toJson());
        return json;
    }
}
