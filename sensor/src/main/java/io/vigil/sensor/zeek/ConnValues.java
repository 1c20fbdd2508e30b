package io.vigil.sensor.zeek;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Reads conn.log values straight from the line's bytes (times, counts, addresses): a record is parsed without a
 * String per field, which is most of what makes replaying a large log fast. Each returns a marker for a bad value
 * instead of throwing, so a bad record costs no stack trace.
 */
final class ConnValues {

    /** What {@link #micros} returns for a value that is no time. */
    static final long BAD_TIME = Long.MIN_VALUE;

    private ConnValues() {
    }

    /**
     * Seconds with a fraction ("1655071198.444458", "0.012166976928710938", JSON's "1.6e9") or an ISO 8601 time as
     * microseconds, rounded to the nearest; {@link #BAD_TIME} for anything else, negative values included.
     */
    static long micros(byte[] b, int from, int to) {
        long seconds = 0;
        int i = from;
        int digits = 0;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            if (++digits > 12) {
                return BAD_TIME;
            }
            seconds = seconds * 10 + (b[i++] - '0');
        }
        long fraction = 0;
        int fractionDigits = 0;
        boolean roundUp = false;
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                if (fractionDigits < 6) {
                    fraction = fraction * 10 + (b[i] - '0');
                } else if (fractionDigits == 6) {
                    roundUp = b[i] >= '5';
                }
                fractionDigits++;
                i++;
            }
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            return scientific(b, from, to);
        }
        if (i < to && b[i] == '-' && digits == 4) {
            return iso(b, from, to);
        }
        if (i != to || digits + fractionDigits == 0) {
            return BAD_TIME;
        }
        for (int k = fractionDigits; k < 6; k++) {
            fraction *= 10;
        }
        return seconds * 1_000_000L + fraction + (roundUp ? 1 : 0);
    }

    /** JSON logs written with Zeek's ISO 8601 timestamps (Security Onion does): "2022-09-29T14:40:56.755299Z". */
    private static long iso(byte[] b, int from, int to) {
        try {
            java.time.Instant t = java.time.Instant.parse(new String(b, from, to - from,
                    java.nio.charset.StandardCharsets.US_ASCII));
            return t.getEpochSecond() < 0 ? BAD_TIME : t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        } catch (java.time.format.DateTimeParseException e) {
            return BAD_TIME;
        }
    }

    private static long scientific(byte[] b, int from, int to) {
        try {
            BigDecimal v = new BigDecimal(new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII));
            if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(1L << 40)) > 0) {
                return BAD_TIME;
            }
            return v.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return BAD_TIME;
        }
    }

    /** A Zeek count (unsigned decimal), or -1 if it is not one. */
    static long count(byte[] b, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** A dotted IPv4 or a textual IPv6 address (a zone id allowed and dropped), or null. */
    static byte[] address(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ':') {
                return ipv6(b, from, to);
            }
        }
        return ipv4(b, from, to);
    }

    static byte[] ipv4(byte[] b, int from, int to) {
        byte[] a = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = from; i <= to; i++) {
            if (i == to || b[i] == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                a[part++] = (byte) value;
                value = -1;
            } else if (b[i] >= '0' && b[i] <= '9') {
                value = value < 0 ? b[i] - '0' : value * 10 + (b[i] - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? a : null;
    }

    private static byte[] ipv6(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '%') {
                to = i;
                break;
            }
        }
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = from;
        if (to - from >= 2 && b[i] == ':' && b[i + 1] == ':') {
            gap = 0;
            i += 2;
        } else if (i < to && b[i] == ':') {
            return null;
        }
        while (i < to) {
            int j = i;
            boolean dotted = false;
            while (j < to && b[j] != ':') {
                dotted |= b[j] == '.';
                j++;
            }
            if (j == i || n >= 8) {
                return null;
            }
            if (dotted) {
                byte[] v4 = j == to && n <= 6 ? ipv4(b, i, j) : null;
                if (v4 == null) {
                    return null;
                }
                groups[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                groups[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                i = j;
                break;
            }
            if (j - i > 4) {
                return null;
            }
            int g = 0;
            for (int k = i; k < j; k++) {
                int d = Character.digit(b[k], 16);
                if (d < 0) {
                    return null;
                }
                g = g << 4 | d;
            }
            groups[n++] = g;
            i = j;
            if (i < to) {
                i++;
                if (i < to && b[i] == ':') {
                    if (gap >= 0) {
                        return null;
                    }
                    gap = n;
                    i++;
                } else if (i == to) {
                    return null;
                }
            }
        }
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        byte[] a = new byte[16];
        int zeros = 8 - n;
        for (int g = 0, out = 0; g < n; g++, out++) {
            if (g == gap) {
                out += zeros;
            }
            a[2 * out] = (byte) (groups[g] >>> 8);
            a[2 * out + 1] = (byte) groups[g];
        }
        return a;
    }
}
