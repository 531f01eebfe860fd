package io.taskgate.system;

import io.taskgate.local.PortFinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The project's nginx configuration (deploy/nginx) run by Debian's nginx in front of api
 * processes on loopback. The shipped files are used as they are; only what differs on a test
 * machine is set here: the upstream addresses and the two listening ports.
 */
final class NginxFront implements AutoCloseable {

    private final Path prefix;
    private final int httpPort;
    private final int httpsPort;
    private Process process;

    private NginxFront(Path prefix, int httpPort, int httpsPort) {
        this.prefix = prefix;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    /** Copies the shipped configuration into {@code prefix} with these api instances as upstreams. */
    static NginxFront prepare(Path prefix, List<Integer> apiPorts) {
        SystemPackages.require("nginx", "openssl");
        Path shipped = SystemPackages.root().resolve("deploy/nginx");
        NginxFront front = new NginxFront(prefix, PortFinder.freePort(), PortFinder.freePort());
        try {
            Files.createDirectories(prefix.resolve("html"));
            Files.copy(shipped.resolve("nginx.conf"), prefix.resolve("nginx.conf"), StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> pages = Files.list(shipped.resolve("html"))) {
                for (Path page : pages.toList()) {
                    Files.copy(page, prefix.resolve("html").resolve(page.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            StringBuilder upstreams = new StringBuilder("upstream taskgate_api {\n    least_conn;\n");
            apiPorts.forEach(port -> upstreams.append("    server 127.0.0.1:").append(port).append(";\n"));
            upstreams.append("    keepalive 32;\n}\n");
            Files.writeString(prefix.resolve("upstreams.conf"), upstreams);
            Commands.run(List.of("bash", shipped.resolve("make-cert.sh").toString(), prefix.resolve("certs").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return front;
    }

    /** {@code nginx -t} on the configuration as shipped (ports 80 and 443 included). */
    String test() {
        try {
            return Commands.run(List.of("nginx", "-t", "-p", prefix + "/", "-c", prefix.resolve("nginx.conf").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts nginx with the two listening ports moved to free ones, as the only change. */
    synchronized NginxFront start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Path conf = prefix.resolve("nginx.conf");
            String text = Files.readString(conf)
                    .replace("listen 80;", "listen 127.0.0.1:" + httpPort + ";")
                    .replace("listen 443 ssl http2;", "listen 127.0.0.1:" + httpsPort + " ssl http2;");
            Path running = prefix.resolve("nginx-test-ports.conf");
            Files.writeString(running, text);
            process = new ProcessBuilder("nginx", "-p", prefix + "/", "-c", running.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.log").toFile()).start();
            for (int i = 0; i < 100 && !listening(); i++) {
                Thread.sleep(50);
            }
            if (!listening()) {
                throw new IOException("nginx did not start; see " + prefix.resolve("nginx.log"));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean listening() {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", httpsPort)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    String httpsBase() {
        return "https://127.0.0.1:" + httpsPort;
    }

    String httpBase() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
