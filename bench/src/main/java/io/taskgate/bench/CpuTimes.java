package io.taskgate.bench;

import io.taskgate.local.ServiceProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** CPU time (user + system) the given processes used, read before and after a phase. */
final class CpuTimes {

    private final Map<String, Duration> used;

    private CpuTimes(Map<String, Duration> used) {
        this.used = used;
    }

    static CpuTimes read(List<ServiceProcess> processes) {
        Map<String, Duration> used = new LinkedHashMap<>();
        for (ServiceProcess process : processes) {
            used.put(process.name(), ProcessHandle.of(process.pid())
                    .flatMap(handle -> handle.info().totalCpuDuration()).orElse(Duration.ZERO));
        }
        used.put("benchmark", ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
        return new CpuTimes(used);
    }

    /** CPU milliseconds per task of each process between {@code before} and this reading. */
    String perTaskSince(CpuTimes before, long tasks) {
        return used.entrySet().stream()
                .map(e -> String.format("%s %.2f ms", e.getKey(),
                        (e.getValue().minus(before.used.getOrDefault(e.getKey(), Duration.ZERO))).toNanos() / 1e6 / tasks))
                .collect(Collectors.joining(", ", "CPU per task: ", ""));
    }
}
