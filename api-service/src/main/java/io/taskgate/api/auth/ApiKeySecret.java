package io.taskgate.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys as issued and as stored. A key is 256 random bits behind a recognisable prefix; only
 * its SHA-256 is kept. A slow password hash would add nothing here: the key is not a human
 * choice that could be guessed from a dictionary, and a fast hash lets a lookup by hash replace
 * any comparison of secrets.
 */
public final class ApiKeySecret {

    /** Makes keys easy to spot in a config file or a secret scanner, and cheap to tell from a JWT. */
    public static final String PREFIX = "tgk_";
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecret() {
    }

    public static String generate() {
        byte[] secret = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The stored form of a key: lowercase hex of its SHA-256. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether the text has the shape of a key this service issues (it may still be unknown). */
    public static boolean looksLikeKey(String text) {
        return text.startsWith(PREFIX) && text.length() == PREFIX.length() + 43
                && text.substring(PREFIX.length()).chars().allMatch(ApiKeySecret::isBase64Url);
    }

    private static boolean isBase64Url(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
