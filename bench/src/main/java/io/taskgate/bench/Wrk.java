package io.taskgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} and reads its report. wrk is written in C and costs the shared cores
 * far less than a Java load generator, so it shows what a service sustains. A pause per
 * connection between requests ({@code delay()} in its Lua hook) turns the closed loop into an
 * approximately fixed offered rate: connections / pause.
 */
final class Wrk {

    /** What one run measured; latencies in milliseconds. */
    record Result(double perSecond, double p50, double p99, long requests, long notOk) {

        /** This result, if every answer was a 2xx: a rate of errors measures nothing. */
        Result allOk() {
            if (notOk > 0) {
                throw new IllegalStateException(notOk + " of " + requests + " answers were not 2xx");
            }
            return this;
        }
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NOT_OK = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);

    private final Path scripts;

    Wrk(Path scripts) {
        this.scripts = scripts;
    }

    /** A Lua script for requests of this shape; {@code pauseMs} above zero paces each connection. */
    Path script(String name, String method, String body, List<String> headers, double pauseMs) throws IOException {
        StringBuilder lua = new StringBuilder();
        lua.append("wrk.method = \"").append(method).append("\"\n");
        if (body != null) {
            lua.append("wrk.body = '").append(body.replace("'", "\\'")).append("'\n");
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            lua.append("wrk.headers[\"").append(header, 0, colon).append("\"] = \"")
                    .append(header.substring(colon + 1).trim()).append("\"\n");
        }
        if (pauseMs > 0) {
            lua.append("function delay() return ").append(String.format(java.util.Locale.ROOT, "%.1f", pauseMs)).append(" end\n");
        }
        Path file = scripts.resolve(name + ".lua");
        Files.writeString(file, lua.toString(), StandardCharsets.UTF_8);
        return file;
    }

    Result run(String url, Path script, int connections, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s",
                "--timeout", "30s", "--latency", "-s", script.toString(), url));
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + report);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentiles = PERCENTILE.matcher(report);
        while (percentiles.find()) {
            double ms = Double.parseDouble(percentiles.group(2)) * switch (percentiles.group(3)) {
                case "us" -> 0.001;
                case "s" -> 1000;
                default -> 1;
            };
            if (percentiles.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        return new Result(number(RATE, report), p50, p99, (long) number(TOTAL, report),
                NOT_OK.matcher(report).find() ? (long) number(NOT_OK, report) : 0);
    }

    private static double number(Pattern pattern, String report) {
        Matcher matcher = pattern.matcher(report);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in wrk's report:\n" + report);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
