package io.taskgate.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credentials of a local stack: the operator's admin token (made once per data folder and
 * kept in it, readable by its owner only) and API keys issued through an api-service's admin
 * endpoint, as an operator would.
 */
public final class AccessTokens {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ISSUED_KEY = Pattern.compile("\"key\"\\s*:\\s*\"(tgk_[A-Za-z0-9_-]+)\"");

    private AccessTokens() {
    }

    /** The admin token stored in {@code file}, made and stored there first if there is none. */
    public static String adminToken(Path file) throws IOException {
        Optional<String> stored = read(file);
        if (stored.isPresent()) {
            return stored.get();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = "tga_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        write(file, token);
        return token;
    }

    /** Issues an API key for {@code tenant} through {@code api}'s admin endpoint; returns the key. */
    public static String issueKey(ServiceProcess api, String adminToken, String tenant, String name, String... roles)
            throws IOException {
        StringBuilder body = new StringBuilder("{\"name\":\"").append(name).append("\",\"roles\":[");
        for (int i = 0; i < roles.length; i++) {
            body.append(i == 0 ? "" : ",").append('"').append(roles[i]).append('"');
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/admin/tenants/" + tenant + "/api-keys"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> answer = send(request);
        Matcher key = ISSUED_KEY.matcher(answer.body());
        if (answer.statusCode() != 201 || !key.find()) {
            throw new IOException("issuing an API key answered " + answer.statusCode() + ": " + answer.body());
        }
        return key.group(1);
    }

    /** Whether {@code key} is still accepted by {@code api} (a cheap authenticated read). */
    public static boolean works(ServiceProcess api, String key) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/tasks?limit=1"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build();
        return send(request).statusCode() == 200;
    }

    static Optional<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String value = Files.readString(file).trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    static void write(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply.
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
