package io.vigil.sensor.meter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
        if (src.length == 4) {
            return of(4, 0, V4_MAPPED | (int32(src, 0) & 0xffff_ffffL), 0, V4_MAPPED | (int32(dst, 0) & 0xffff_ffffL),
                    protocol, sport, dport);
        }
        return of(6, int64(src, 0), int64(src, 8), int64(dst, 0), int64(dst, 8), protocol, sport, dport);
    }

    /**
     * The same ID from addresses as the flow tables keep them, two longs each (IPv4 mapped into
     * {@code ::ffff:a.b.c.d}, its four bytes the low ones of {@code lo}): the hashed bytes are written straight from
     * the longs, with no address arrays to build or compare. Unsigned comparison of the longs, high then low, orders
     * addresses as their bytes do; for IPv4, the low 32 bits alone.
     */
    public String of(int ipVersion, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int sport,
                     int dport) {
        text(ipVersion, srcHi, srcLo, dstHi, dstLo, protocol, sport, dport);
        return new String(text, 0, text.length, StandardCharsets.ISO_8859_1);
    }

    /**
     * The same ID as {@link #of(int, long, long, long, long, int, int, int)}, left as ASCII bytes in an array this
     * instance reuses (valid until its next call), {@link #TEXT_LENGTH} of them: for a writer that copies the text
     * into a message, no String is made.
     */
    public byte[] text(int ipVersion, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int sport,
                       int dport) {
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
        boolean v6 = ipVersion == 6;
        int order = v6 ? (srcHi != dstHi ? Long.compareUnsigned(srcHi, dstHi) : Long.compareUnsigned(srcLo, dstLo))
                : Integer.compareUnsigned((int) srcLo, (int) dstLo);
        boolean keep = oneWay || order < 0 || (order == 0 && (!hasPorts || sport < dport));
        byte[] m = buffer;
        m[0] = (byte) (seed >>> 8);
        m[1] = (byte) seed;
        int n;
        if (v6) {
            LONG.set(m, 2, keep ? srcHi : dstHi);
            LONG.set(m, 10, keep ? srcLo : dstLo);
            LONG.set(m, 18, keep ? dstHi : srcHi);
            LONG.set(m, 26, keep ? dstLo : srcLo);
            n = 34;
        } else {
            INT.set(m, 2, (int) (keep ? srcLo : dstLo));
            INT.set(m, 6, (int) (keep ? dstLo : srcLo));
            n = 10;
        }
        m[n++] = (byte) protocol;
        m[n++] = 0;
        if (hasPorts) {
            INT.set(m, n, (keep ? sport : dport) << 16 | ((keep ? dport : sport) & 0xffff));
            n += 4;
        }
        // No reset first: digest() leaves the digest reset, and nothing else can leave it midway.
        sha1.update(m, 0, n);
        try {
            sha1.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 digests are 20 bytes", e);
        }
        base64();
        return text;
    }

    /** Characters of an ID: "1:" and 28 of base64. */
    public static final int TEXT_LENGTH = 30;

    private static final long V4_MAPPED = 0x0000_ffff_0000_0000L;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static int int32(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    private static long int64(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * "1:" and the digest in standard base64 with padding, what {@code "1:" + Base64.getEncoder().encodeToString(d)}
     * gives, built in the reused {@code text}: 20 bytes are six 3-byte groups (4 characters each) and 2 bytes (3 and "=").
     */
    private void base64() {
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
    }
}
