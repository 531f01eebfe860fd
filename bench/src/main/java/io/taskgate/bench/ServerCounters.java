package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import io.taskgate.local.RedisCommands;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Work the servers did, read before and after a phase: Redis commands by name (INFO
 * commandstats) and PostgreSQL commits and statements. Divided by the tasks of the phase, these
 * say what one task costs the stores, which is where round trips hide.
 */
final class ServerCounters {

    private final Map<String, Long> counts;

    private ServerCounters(Map<String, Long> counts) {
        this.counts = counts;
    }

    static ServerCounters read(LocalStack stack) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : commandStats(stack.redis().port()).split("\r\n")) {
            // cmdstat_xadd:calls=1200,usec=...
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                counts.put("redis " + name, Long.parseLong(calls));
            }
        }
        String sql = "SELECT xact_commit, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = current_database()";
        try (Connection db = stack.postgres().connect(); ResultSet row = db.createStatement().executeQuery(sql)) {
            row.next();
            counts.put("postgres commits", row.getLong(1));
            counts.put("postgres rows inserted", row.getLong(2));
            counts.put("postgres rows updated", row.getLong(3));
        }
        return new ServerCounters(counts);
    }

    /** Per task of the phase between {@code before} and this reading, the largest first. */
    String perTaskSince(ServerCounters before, long tasks) {
        return counts.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.counts.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) tasks))
                .collect(Collectors.joining(", ", "per task: ", ""));
    }

    private static String commandStats(int port) {
        return new RedisCommands(port).info("commandstats");
    }
}
