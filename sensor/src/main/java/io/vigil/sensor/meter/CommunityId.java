package io.vigil.sensor.meter;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Community ID v1 (seed 0): lets an analyst pivot from a Vigil flow to the same connection in Zeek, Suricata or
 * Elastic logs. Implements https://github.com/corelight/community-id-spec; one instance per thread.
 */
public final class CommunityId {

    private final MessageDigest sha1;
    private final byte[] buffer = new byte[2 + 16 + 16 + 2 + 4];
    /** The SHA-1 digest, 20 bytes, and the text "1:" + its base64 (28 characters): reused, so a flow's ID costs one String. */
    private final byte[] digest = new byte[20];
    private final byte[] text = new byte[2 + 28];
    private final int seed;

    public CommunityId() {
        this(0);
    }

    public CommunityId(int seed) {
        this.seed = seed;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /**
     * @param src   source address, 4 or 16 bytes
     * @param dst   destination address, same length
     * @param sport source port, or the ICMP/ICMPv6 type
     * @param dport destination port, or the ICMP/ICMPv6 code
     */
    public String of(byte[] src, byte[] dst, int protocol, int sport, int dport) {
        boolean hasPorts = protocol == 6 || protocol == 17 || protocol == 132 || protocol == 1 || protocol == 58;
        boolean oneWay = false;
        if (protocol == 1 || protocol == 58) {
            int counterpart = IcmpTypes.counterpart(protocol, sport);
            if (counterpart == IcmpTypes.NONE) {
                oneWay = true;
            } else {
                dport = counterpart;
            }
        }
        int order = compare(src, dst);
        boolean keep = oneWay || order < 0 || (order == 0 && (!hasPorts || sport < dport));
        byte[] a = keep ? src : dst;
        byte[] b = keep ? dst : src;
        int pa = keep ? sport : dport;
        int pb = keep ? dport : sport;
        int n = 0;
        buffer[n++] = (byte) (seed >>> 8);
        buffer[n++] = (byte) seed;
        System.arraycopy(a, 0, buffer, n, a.length);
        n += a.length;
        System.arraycopy(b, 0, buffer, n, b.length);
        n += b.length;
        buffer[n++] = (byte) protocol;
        buffer[n++] = 0;
        if (hasPorts) {
            buffer[n++] = (byte) (pa >>> 8);
            buffer[n++] = (byte) pa;
            buffer[n++] = (byte) (pb >>> 8);
            buffer[n++] = (byte) pb;
        }
        // No reset first: digest() leaves the digest reset, and nothing else can leave it midway.
        sha1.update(buffer, 0, n);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 digests are 20 bytes", e);
        }
        return base64();
    }

    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * "1:" and the digest in standard base64 with padding, what {@code "1:" + Base64.getEncoder().encodeToString(d)}
     * gives, built in a reused array: 20 bytes are six 3-byte groups (4 characters each) and 2 bytes (3 and "=").
     */
    private String base64() {
        byte[] d = digest;
        byte[] t = text;
        t[0] = '1';
        t[1] = ':';
        int o = 2;
        for (int i = 0; i < 18; i += 3) {
            int v = (d[i] & 0xff) << 16 | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff);
            t[o++] = BASE64[v >>> 18];
            t[o++] = BASE64[(v >>> 12) & 0x3f];
            t[o++] = BASE64[(v >>> 6) & 0x3f];
            t[o++] = BASE64[v & 0x3f];
        }
        int v = (d[18] & 0xff) << 16 | (d[19] & 0xff) << 8;
        t[o++] = BASE64[v >>> 18];
        t[o++] = BASE64[(v >>> 12) & 0x3f];
        t[o++] = BASE64[(v >>> 6) & 0x3f];
        t[o] = '=';
        return new String(t, 0, t.length, StandardCharsets.ISO_8859_1);
    }

    private static int compare(byte[] x, byte[] y) {
        return java.util.Arrays.compareUnsigned(x, y);
    }
}
