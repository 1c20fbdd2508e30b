package io.vigil.detection.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The webhook signature a receiver checks: header {@value #HEADER} = "t=&lt;unix seconds&gt;,v1=&lt;hex&gt;", where
 * hex = HMAC-SHA256(key = the destination's secret as UTF-8, message = "&lt;t&gt;." followed by the raw body bytes).
 * Signing the timestamp with the body lets a receiver refuse replays older than its window.
 */
public final class WebhookSignature {

    public static final String HEADER = "Vigil-Signature";
    /** The replay window we document and test: a receiver should refuse a timestamp further than this from its clock. */
    public static final long DEFAULT_TOLERANCE_SECONDS = 300;

    private WebhookSignature() {
    }

    public static String header(String secret, long timestampSeconds, byte[] body) {
        return "t=" + timestampSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestampSeconds, body));
    }

    /**
     * What a receiver does: parse the header, refuse a timestamp outside the window, and compare in constant time.
     * Several v1 values (during a secret rotation) are accepted if any matches.
     */
    public static boolean verify(String secret, String header, byte[] body, long nowSeconds, long toleranceSeconds) {
        if (header == null) {
            return false;
        }
        Long t = null;
        java.util.List<byte[]> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = part.substring(0, eq).trim();
            String v = part.substring(eq + 1).trim();
            try {
                if (k.equals("t")) {
                    t = Long.parseLong(v);
                } else if (k.equals("v1")) {
                    signatures.add(HexFormat.of().parseHex(v));
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (t == null || signatures.isEmpty() || Math.abs(nowSeconds - t) > toleranceSeconds) {
            return false;
        }
        byte[] expected = hmac(secret, t, body);
        return signatures.stream().anyMatch(s -> MessageDigest.isEqual(expected, s));
    }

    private static byte[] hmac(String secret, long timestampSeconds, byte[] body) {
        return hmacSha256(secret.getBytes(StandardCharsets.UTF_8), timestampSeconds + ".", body);
    }

    /** HMAC-SHA256 with {@code key} over {@code prefix} (UTF-8) followed by the raw body: both webhook signatures' MAC. */
    static byte[] hmacSha256(byte[] key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
