package io.vigil.detection.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A customer's internal networks (IPv4 and IPv6 CIDRs), answering "is this address inside?". */
public final class Networks {

    private record Block(byte[] network, int prefix) {
    }

    private final List<Block> blocks;

    private Networks(List<Block> blocks) {
        this.blocks = blocks;
    }

    public static final Networks NONE = new Networks(List.of());

    private static final java.util.regex.Pattern DOTTED_QUAD = java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /** Parses CIDRs such as "10.1.0.0/16" and "fd00:a1::/48"; an unparsable entry is an error. */
    public static Networks of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String c = cidr.trim();
            if (c.isEmpty()) {
                continue;
            }
            int slash = c.indexOf('/');
            byte[] net = literal(slash < 0 ? c : c.substring(0, slash));
            if (net == null) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            int prefix = slash < 0 ? net.length * 8 : Integer.parseInt(c.substring(slash + 1));
            if (net == null || prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            blocks.add(new Block(net, prefix));
        }
        return new Networks(List.copyOf(blocks));
    }

    /**
     * The blocks as IPv6 prefixes, IPv4 ones mapped into ::ffff:0:0/96 the way flows store addresses.
     *
     * @param address 16 bytes
     * @param prefix  0–128
     */
    public record Prefix(byte[] address, int prefix) {
    }

    public List<Prefix> mappedPrefixes() {
        List<Prefix> out = new ArrayList<>();
        for (Block b : blocks) {
            if (b.network.length == 16) {
                out.add(new Prefix(b.network.clone(), b.prefix));
            } else {
                byte[] m = new byte[16];
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(b.network, 0, m, 12, 4);
                out.add(new Prefix(m, 96 + b.prefix));
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(String ip) {
        byte[] addr = literal(ip);
        if (addr == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network.length == addr.length && matches(b.network, addr, b.prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A multicast or limited-broadcast destination: 224/4, ff00::/8 and 255.255.255.255. Traffic to them never gets
     * a flow-matched answer (SSDP, mDNS, LLMNR, DHCP), so every Windows host would look like a UDP scanner if they
     * counted. Subnet-directed broadcasts (NetBIOS to x.x.x.255) are not recognised: the subnet's prefix is unknown
     * and x.x.x.255 is a real host in anything larger than a /24; alone they are one failed target, not a scan.
     */
    public static boolean groupAddress(String ip) {
        byte[] b = literal(ip);
        if (b == null) {
            return false;
        }
        if (b.length == 16) {
            return (b[0] & 0xff) == 0xff;
        }
        return (b[0] & 0xf0) == 0xe0 || (b[0] & b[1] & b[2] & b[3] & 0xff) == 0xff;
    }

    public Direction direction(String source, String target) {
        boolean in = contains(source);
        boolean to = contains(target);
        if (in) {
            return to ? Direction.LATERAL : Direction.OUTBOUND;
        }
        return to ? Direction.INBOUND : Direction.EXTERNAL;
    }

    private static boolean matches(byte[] net, byte[] addr, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != addr[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (addr[full] & mask);
    }

    /** An IPv4 or IPv6 literal (no DNS names). */
    public static boolean isLiteral(String ip) {
        return literal(ip) != null;
    }

    /** The bytes of an IP literal (never a DNS lookup), or null. */
    public static byte[] literal(String ip) {
        if (ip == null || ip.isEmpty() || !ip.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            return null;
        }
        // Without a colon InetAddress parses only a well-formed dotted quad and resolves anything else through DNS.
        if (ip.indexOf(':') < 0 && !DOTTED_QUAD.matcher(ip).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
