package io.vigil.tenants.validation;

import java.math.BigInteger;

/** Parses CIDR blocks strictly (IPv4 dotted quad or IPv6 literal, never a host name, host bits zero) with a precise reason. */
public final class Cidrs {

    private Cidrs() {
    }

    /** Null when {@code cidr} is a valid network in canonical form, else why not. */
    public static String problem(String cidr) {
        if (cidr == null) {
            return "must not be null";
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return "'" + cidr + "' is not a CIDR block: missing /prefix-length";
        }
        String address = cidr.substring(0, slash);
        String prefixText = cidr.substring(slash + 1);
        byte[] bytes = address.contains(":") ? ipv6(address) : ipv4(address);
        if (bytes == null) {
            return "'" + cidr + "' is not a CIDR block: '" + address + "' is not an IPv4 or IPv6 address";
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = prefixText.matches("\\d{1,3}") ? Integer.parseInt(prefixText) : -1;
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
            return "'" + cidr + "' is not a CIDR block: the prefix length must be 0.." + max;
        }
        BigInteger value = new BigInteger(1, bytes);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(max - prefix).subtract(BigInteger.ONE);
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            return "'" + cidr + "' has host bits set; the network is " + format(value.andNot(hostMask), bytes.length) + "/" + prefix;
        }
        return null;
    }

    private static byte[] ipv4(String s) {
        if (!s.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            return null;
        }
        String[] parts = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].length() > 1 && parts[i].startsWith("0")) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] ipv6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]{2,45}") || s.contains(":::")) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < h.length; i++) {
            b[2 * i] = (byte) (h[i] >> 8);
            b[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int at = 8 - t.length + i;
            b[2 * at] = (byte) (t[i] >> 8);
            b[2 * at + 1] = (byte) t[i];
        }
        return b;
    }

    /** Hex groups, with an embedded dotted IPv4 allowed as the last "two groups". */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4 = parts[n - 1].contains(".");
        int[] out = new int[v4 ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (v4 && i == n - 1) {
                byte[] four = ipv4(p);
                if (four == null) {
                    return null;
                }
                out[i] = ((four[0] & 0xff) << 8) | (four[1] & 0xff);
                out[i + 1] = ((four[2] & 0xff) << 8) | (four[3] & 0xff);
            } else {
                if (!p.matches("[0-9A-Fa-f]{1,4}")) {
                    return null;
                }
                out[i] = Integer.parseInt(p, 16);
            }
        }
        return out;
    }

    private static String format(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] b = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, b, length - copy, copy);
        if (length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
        }
        return sb.toString();
    }
}
