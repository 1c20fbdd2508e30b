package io.vigil.lib.api.id;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random identifiers and secrets. Ids are short lowercase slugs (no 0/1/l/o to misread) because they travel in token
 * claims, ClickHouse rows and URLs, and every service makes them the same way.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    /** 12 characters of a 32-letter alphabet: 60 random bits. */
    public static final int DEFAULT_LENGTH = 12;

    private Ids() {
    }

    /** {@code prefix-} and 12 random characters, e.g. "al-fbxq3wygxxvi". */
    public static String newId(String prefix) {
        return newId(prefix, DEFAULT_LENGTH);
    }

    /** {@code prefix-} and {@code length} random characters (5 bits each). */
    public static String newId(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + length).append(prefix).append('-');
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** A bearer or signing secret of 256 random bits, base64url, after {@code prefix}. */
    public static String secret(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
