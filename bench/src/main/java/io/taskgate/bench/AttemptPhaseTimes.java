package io.taskgate.bench;

import io.taskgate.local.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's per-phase attempt timers for one task type, read from its Prometheus endpoint:
 * a snapshot of each phase's count and total seconds, so that two snapshots give the mean time
 * of each phase over the attempts between them.
 */
final class AttemptPhaseTimes {

    private static final Pattern LINE = Pattern.compile(
            "taskgate_attempt_phase_seconds_(count|sum)\\{([^}]*)\\} (\\S+)");
    private static final Pattern PHASE = Pattern.compile("phase=\"([^\"]+)\"");
    private static final Pattern TYPE = Pattern.compile("type=\"([^\"]+)\"");

    /** Phase → {count, seconds}, in the order the worker's endpoint lists them. */
    private final Map<String, double[]> byPhase;

    private AttemptPhaseTimes(Map<String, double[]> byPhase) {
        this.byPhase = byPhase;
    }

    static AttemptPhaseTimes read(ServiceProcess worker, String type) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(worker.baseUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> byPhase = new LinkedHashMap<>();
        for (String line : metrics.lines().toList()) {
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            Matcher phase = PHASE.matcher(matcher.group(2));
            Matcher lineType = TYPE.matcher(matcher.group(2));
            if (!phase.find() || !lineType.find() || !lineType.group(1).equals(type)) {
                continue;
            }
            double[] totals = byPhase.computeIfAbsent(phase.group(1), ignored -> new double[2]);
            totals[matcher.group(1).equals("count") ? 0 : 1] = Double.parseDouble(matcher.group(3));
        }
        return new AttemptPhaseTimes(byPhase);
    }

    /** "phase mean ms (count)" for each phase that ran since {@code before}. */
    String meansSince(AttemptPhaseTimes before) {
        StringBuilder out = new StringBuilder("worker phases, mean per attempt:");
        byPhase.forEach((phase, totals) -> {
            double[] earlier = before.byPhase.getOrDefault(phase, new double[2]);
            double count = totals[0] - earlier[0];
            if (count > 0) {
                out.append(String.format(" %s %.1f ms (%.0f);", phase, 1000 * (totals[1] - earlier[1]) / count, count));
            }
        });
        return out.toString();
    }
}
