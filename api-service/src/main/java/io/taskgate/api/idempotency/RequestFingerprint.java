package io.taskgate.api.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * A SHA-256 (hex) of what a submission asks for: its type and its input. Object members are
 * sorted first, so the same input sent with its fields in another order is the same request;
 * array order and number spelling are kept, because they can change what a handler does.
 */
public final class RequestFingerprint {

    private RequestFingerprint() {
    }

    public static String of(String type, JsonNode input) {
        ObjectNode canonical = JsonNodeFactory.instance.objectNode();
        canonical.set("input", sorted(input == null ? JsonNodeFactory.instance.objectNode() : input));
        canonical.put("type", type);
        return sha256Hex(canonical.toString());
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> members = new TreeMap<>();
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                members.put(name, sorted(node.get(name)));
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            members.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
