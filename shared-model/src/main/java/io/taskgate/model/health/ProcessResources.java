package io.taskgate.model.health;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What this process uses of its machine, read at one moment. Figures the platform cannot give
 * (the resident set outside Linux, a CPU load before the first sample) are null rather than
 * guessed.
 *
 * @param processCpuPercent this process's share of all the machine's cores, 0..100
 * @param machineCpuPercent the whole machine's, 0..100
 */
public record ProcessResources(long heapUsedBytes, long heapCommittedBytes, long heapMaxBytes, Long rssBytes,
        Double processCpuPercent, Double machineCpuPercent, int availableProcessors, Double loadAverage, int threads,
        Long openFileDescriptors, Long maxFileDescriptors, String startedAt, long uptimeSeconds, List<String> warnings) {

    /** Heap in use above this share of its maximum is worth a warning: the next full GC may not free enough. */
    static final double HEAP_WARNING = 0.90;
    /** Open descriptors above this share of the limit: every socket is one, and accept() fails at the limit. */
    static final double DESCRIPTOR_WARNING = 0.80;

    private static final Path STATUS = Path.of("/proc/self/status");

    public static ProcessResources read() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        Double processCpu = null;
        Double machineCpu = null;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            processCpu = percent(sun.getProcessCpuLoad());
            machineCpu = percent(sun.getCpuLoad());
        }
        Long openFds = null;
        Long maxFds = null;
        if (os instanceof UnixOperatingSystemMXBean unix) {
            openFds = unix.getOpenFileDescriptorCount();
            maxFds = unix.getMaxFileDescriptorCount();
        }
        double load = os.getSystemLoadAverage();
        long heapMax = heap.getMax() < 0 ? heap.getCommitted() : heap.getMax();
        return new ProcessResources(heap.getUsed(), heap.getCommitted(), heapMax, residentSetBytes(), processCpu,
                machineCpu, os.getAvailableProcessors(), load < 0 ? null : load,
                ManagementFactory.getThreadMXBean().getThreadCount(), openFds, maxFds,
                Instant.ofEpochMilli(runtime.getStartTime()).toString(), runtime.getUptime() / 1000,
                warnings(heap.getUsed(), heapMax, openFds, maxFds));
    }

    static List<String> warnings(long heapUsed, long heapMax, Long openFds, Long maxFds) {
        List<String> warnings = new ArrayList<>();
        if (heapMax > 0 && heapUsed > HEAP_WARNING * heapMax) {
            warnings.add(String.format("heap %d%% of its maximum", Math.round(100.0 * heapUsed / heapMax)));
        }
        if (openFds != null && maxFds != null && maxFds > 0 && openFds > DESCRIPTOR_WARNING * maxFds) {
            warnings.add(String.format("%d of %d file descriptors open", openFds, maxFds));
        }
        return warnings;
    }

    /** The VmRSS line of /proc/self/status, in bytes; null where there is no such file. */
    static Long residentSetBytes() {
        try {
            return Files.readAllLines(STATUS).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** The MXBean's 0..1 load as a percentage with one decimal; negative means not known yet. */
    private static Double percent(double load) {
        return load < 0 || Double.isNaN(load) ? null : Math.round(load * 1000) / 10.0;
    }
}
