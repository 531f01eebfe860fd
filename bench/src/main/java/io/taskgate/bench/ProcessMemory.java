package io.taskgate.bench;

import io.taskgate.local.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service process holds in memory: its resident set from /proc, its heap in use and the
 * heap the last collection left live from the service's own Micrometer gauges, and a way to ask
 * for a full collection first (jcmd), so that two readings compare what is kept, not garbage.
 */
final class ProcessMemory {

    private static final Pattern HEAP_USED = Pattern.compile(
            "^jvm_memory_used_bytes\\{area=\"heap\"[^}]*}\\s+([0-9.E+-]+)", Pattern.MULTILINE);
    private static final Pattern LIVE_DATA = Pattern.compile(
            "^jvm_gc_live_data_size_bytes(?:\\{[^}]*})?\\s+([0-9.E+-]+)", Pattern.MULTILINE);
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ProcessMemory() {
    }

    static long rssBytes(long pid) throws IOException {
        Matcher found = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        return found.find() ? Long.parseLong(found.group(1)) * 1024 : -1;
    }

    /** Heap in use now, summed over the heap's pools, garbage included. */
    static long heapUsedBytes(ServiceProcess process) throws Exception {
        Matcher pool = HEAP_USED.matcher(metrics(process));
        double used = 0;
        while (pool.find()) {
            used += Double.parseDouble(pool.group(1));
        }
        return (long) used;
    }

    /** The old generation's size after the last collection that reached it: what the process keeps. */
    static long liveDataBytes(ServiceProcess process) throws Exception {
        Matcher found = LIVE_DATA.matcher(metrics(process));
        return found.find() ? (long) Double.parseDouble(found.group(1)) : -1;
    }

    /** Asks the process for a full collection and waits for jcmd to return. */
    static void collectGarbage(ServiceProcess process) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS)) {
            gc.destroyForcibly();
            throw new IllegalStateException("jcmd GC.run did not return for " + process.name());
        }
    }

    static String mib(long bytes) {
        return String.format("%,d MiB", bytes / (1024 * 1024));
    }

    private static String metrics(ServiceProcess process) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(process.baseUrl() + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
