package io.vigil.detection.rule;

import io.vigil.detection.model.Networks;

/**
 * How many sources a rule's CIDR covers, against the limits that keep one rule from blinding detection: broader than
 * /16 (IPv6 /48) needs an admin's confirmation, and nothing broader than /8 (IPv6 /32) is honoured at all.
 *
 * @param ipv6   whether the CIDR is IPv6
 * @param prefix its prefix length
 */
public record Breadth(boolean ipv6, int prefix) {

    public static final int CONFIRM_V4 = 16;
    public static final int CONFIRM_V6 = 48;
    public static final int FLOOR_V4 = 8;
    public static final int FLOOR_V6 = 32;

    /** The breadth of "10.1.0.0/16", "10.1.0.5" or an IPv6 prefix; null when it is no CIDR. */
    public static Breadth of(String cidr) {
        if (cidr == null) {
            return null;
        }
        String c = cidr.trim();
        int slash = c.indexOf('/');
        byte[] net = Networks.literal(slash < 0 ? c : c.substring(0, slash));
        if (net == null) {
            return null;
        }
        try {
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(c.substring(slash + 1));
            return prefix < 0 || prefix > net.length * 8 ? null : new Breadth(net.length == 16, prefix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Broader than any rule may be, confirmed or not. */
    public boolean beyondFloor() {
        return prefix < (ipv6 ? FLOOR_V6 : FLOOR_V4);
    }

    /** Broad enough that an admin must confirm it. */
    public boolean needsConfirmation() {
        return prefix < (ipv6 ? CONFIRM_V6 : CONFIRM_V4);
    }

    @Override
    public String toString() {
        return "/" + prefix + (ipv6 ? " (IPv6)" : "");
    }
}
