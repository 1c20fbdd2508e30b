package io.vigil.detection.notify.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Keeps a tenant-supplied receiver from pointing the service at its own network (SSRF). A host is resolved once, every
 * address it resolves to must be public, and the caller connects to the address checked here (never resolving again,
 * so a DNS answer that changes in between cannot steer the connection). An IPv6 address that carries an IPv4 address
 * (mapped, compatible, translated, NAT64, 6to4, Teredo) is judged by that IPv4 address as well.
 */
final class AddressGuard {

    /** Turns a host name or literal into addresses; the JDK resolver in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static final Resolver DNS = InetAddress::getAllByName;

    /**
     * What the check found.
     *
     * @param address the address to connect to (null when refused)
     * @param refusal why not, for whoever configured the receiver: a category that names no address
     * @param detail  the same with the host and addresses, for the server log only
     */
    record Verdict(InetAddress address, String refusal, String detail) {

        boolean allowed() {
            return address != null;
        }
    }

    static final String NON_PUBLIC = "refused: non-public address";
    static final String UNKNOWN_HOST = "refused: unknown host";

    private final boolean allowPrivate;
    private final Resolver resolver;

    AddressGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Resolves {@code host} once and says which address to connect to, or why none. */
    Verdict check(String host) {
        if (host == null || host.isBlank()) {
            return new Verdict(null, UNKNOWN_HOST, "no host");
        }
        // URI hosts keep an IPv6 literal's brackets
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return new Verdict(null, UNKNOWN_HOST, "unknown host " + name);
        }
        if (all == null || all.length == 0) {
            return new Verdict(null, UNKNOWN_HOST, "no address for " + name);
        }
        if (!allowPrivate) {
            for (InetAddress a : all) {
                if (!isPublic(a)) {
                    return new Verdict(null, NON_PUBLIC, name + " resolves to the non-public address " + a.getHostAddress());
                }
            }
        }
        return new Verdict(all[0], null, null);
    }

    /**
     * Whether an address is globally reachable: IPv4 outside the special-purpose blocks that are not (IANA registry,
     * "Globally Reachable: False"), IPv6 global unicast (2000::/3) outside documentation and protocol-assignment space,
     * and any IPv4 an IPv6 address embeds public too.
     */
    static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return publicV4(b);
        }
        byte[] v4 = embeddedV4(b);
        if (v4 != null) {
            if (!publicV4(v4)) {
                return false;
            }
            // Teredo also carries the relay server's address
            return !teredo(b) || publicV4(Arrays.copyOfRange(b, 4, 8));
        }
        if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return false; // 64:ff9b:1::/48 (local-use NAT64) and the rest of 64:ff9b::/32 outside the well-known /96
        }
        int top = b[0] & 0xff;
        if ((top & 0xe0) != 0x20) {
            return false; // not 2000::/3: unspecified, loopback, link-local, unique-local, multicast, reserved
        }
        int second = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        if (second == 0x2001 && ((b[2] & 0xff) <= 0x01)) {
            return false; // 2001::/23 IETF protocol assignments (Teredo, within it, is judged above)
        }
        if (second == 0x2001 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return false; // 2001:db8::/32 documentation
        }
        return !(second == 0x3fff && (b[2] & 0xf0) == 0x00); // 3fff::/20 documentation
    }

    /**
     * The IPv4 address an IPv6 address carries, or null: ::ffff:0:0/96 (mapped), ::/96 (compatible, also :: and ::1),
     * ::ffff:0:0:0/96 (translated), 64:ff9b::/96 (NAT64), 2002::/16 (6to4) and 2001::/32 (Teredo, the client's
     * address, stored inverted).
     */
    static byte[] embeddedV4(byte[] b) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (zero(b, 0, 12)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return Arrays.copyOfRange(b, 2, 6);
        }
        if (teredo(b)) {
            byte[] client = Arrays.copyOfRange(b, 12, 16);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            return client;
        }
        return null;
    }

    private static boolean teredo(byte[] b) {
        return b.length == 16 && b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** IPv4 outside 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4 and 240/4. */
    private static boolean publicV4(byte[] v4) {
        int a = v4[0] & 0xff;
        int b = v4[1] & 0xff;
        int c = v4[2] & 0xff;
        return !(a == 0 || a == 10 || a == 127 || a >= 224
                || (a == 100 && (b & 0xc0) == 64)
                || (a == 169 && b == 254)
                || (a == 172 && (b & 0xf0) == 16)
                || (a == 192 && b == 168)
                || (a == 192 && b == 0 && (c == 0 || c == 2))
                || (a == 192 && b == 88 && c == 99)
                || (a == 198 && (b & 0xfe) == 18)
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113));
    }
}
