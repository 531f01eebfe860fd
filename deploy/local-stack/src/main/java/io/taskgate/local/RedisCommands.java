package io.taskgate.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A minimal RESP client for looking at and disturbing the real Redis from tests and benchmarks
 * (XLEN, XRANGE, INFO, FLUSHALL): they only read figures and poke at state, and a client library
 * of their own would be one more thing to keep in step with the services'. One connection per
 * command keeps it simple and safe across Redis restarts.
 */
public final class RedisCommands {

    private final int port;

    public RedisCommands(int port) {
        this.port = port;
    }

    /** Sends a command; the reply is a String, Long, List or null. Error replies throw. */
    public Object call(String... command) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            send(socket, command);
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long length(String stream) {
        return (Long) call("XLEN", stream);
    }

    /** A reply that is a number. */
    public long number(String... command) {
        return (Long) call(command);
    }

    /** One section of INFO as its raw text ({@code field:value} lines). */
    public String info(String section) {
        return (String) call("INFO", section);
    }

    /** A field of an INFO section, or -1 when the section does not have it. */
    public long infoField(String section, String field) {
        for (String line : info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        return -1;
    }

    /** Field maps of every entry of a stream. */
    public List<Map<String, String>> entries(String stream) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (Object entry : (List<?>) call("XRANGE", stream, "-", "+")) {
            List<?> fields = (List<?>) ((List<?>) entry).get(1);
            Map<String, String> map = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                map.put((String) fields.get(i), (String) fields.get(i + 1));
            }
            entries.add(map);
        }
        return entries;
    }

    /**
     * Listens on a pub/sub channel on a connection of its own, handing each message to
     * {@code onMessage} on a daemon thread, until the returned handle is closed.
     */
    public AutoCloseable subscribe(String channel, Consumer<String> onMessage) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        send(socket, "SUBSCRIBE", channel);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        Thread listener = new Thread(() -> {
            try {
                while (!socket.isClosed()) {
                    if (read(in) instanceof List<?> push && push.size() == 3 && "message".equals(push.get(0))) {
                        onMessage.accept((String) push.get(2));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Closed: the listener ends with its socket.
            }
        }, "redis-subscriber-" + channel);
        listener.setDaemon(true);
        listener.start();
        return socket::close;
    }

    private static void send(Socket socket, String... command) throws IOException {
        StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
        for (String part : command) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length);
                readLine(in);
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected RESP type " + (char) type);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int current = in.read();
            if (current < 0) {
                throw new IOException("connection closed mid-reply");
            }
            if (previous == '\r' && current == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(current);
            previous = current;
        }
    }
}
