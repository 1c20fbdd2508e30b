package io.vigil.detection.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Webhook signatures as the Standard Webhooks specification (standardwebhooks.com, version 1.0.0) defines them, so a
 * receiver can verify with any of its libraries: headers {@value #ID_HEADER}, {@value #TIMESTAMP_HEADER} (unix
 * seconds) and {@value #SIGNATURE_HEADER} = "v1,&lt;base64 HMAC-SHA256&gt;" over "&lt;id&gt;.&lt;timestamp&gt;.&lt;body&gt;".
 * <p>
 * The key is the base64-decoded part of a "whsec_&lt;base64&gt;" secret. Secrets issued before these headers existed are
 * "whsec_" followed by 43 characters of unpadded base64url, which is not the specification's encoding; for those (and
 * any secret that is not "whsec_" plus canonical base64) the key is the whole secret's UTF-8 bytes, the key the
 * {@link WebhookSignature Vigil-Signature} header has always used. Rotating such a destination's secret gives it a
 * specification secret.
 */
public final class StandardWebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String PREFIX = "whsec_";
    /** Key bytes of a new secret: the specification asks for 24 to 64. */
    static final int KEY_BYTES = 32;

    /** Standard base64 with its padding: a length that is a multiple of 4, at most two '=' at the end. */
    private static final Pattern CANONICAL_BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private StandardWebhookSignature() {
    }

    /** A new secret: "whsec_" and 32 random bytes in standard, padded base64. */
    public static String newSecret() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code secret} is "whsec_" plus canonical base64, whose decoded bytes are the key. */
    public static boolean isStandard(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return false;
        }
        String rest = secret.substring(PREFIX.length());
        return !rest.isEmpty() && CANONICAL_BASE64.matcher(rest).matches();
    }

    /** The HMAC key of a secret: the decoded base64 of a standard one, else the secret's UTF-8 bytes (see the class). */
    public static byte[] key(String secret) {
        return isStandard(secret) ? Base64.getDecoder().decode(secret.substring(PREFIX.length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@value #SIGNATURE_HEADER} value: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body". */
    public static String signature(String secret, String id, long timestampSeconds, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, timestampSeconds, body));
    }

    /**
     * What a receiver does: refuse a timestamp outside the window, then accept if any space-separated "v1,…" entry
     * matches in constant time (other versions are ignored, as the specification asks).
     */
    public static boolean verify(String secret, String id, String timestamp, String signatures, byte[] body, long nowSeconds,
                                 long toleranceSeconds) {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - t) > toleranceSeconds) {
            return false;
        }
        byte[] expected = hmac(key(secret), id, t, body);
        for (String entry : signatures.trim().split(" +")) {
            if (!entry.startsWith("v1,")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not base64: not a match, the other entries may still be
            }
        }
        return false;
    }

    private static byte[] hmac(byte[] key, String id, long timestampSeconds, byte[] body) {
        return WebhookSignature.hmacSha256(key, id + "." + timestampSeconds + ".", body);
    }
}
