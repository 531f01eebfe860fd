package io.taskgate.bench;

import io.taskgate.local.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
        for (String line : redisInfo(stack.redis().port(), "commandstats").split("\r\n")) {
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

    private static String redisInfo(int port, String section) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("$")) {
                throw new IOException("unexpected answer to INFO: " + header);
            }
            byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
