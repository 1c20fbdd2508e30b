package io.vigil.detection.notify.service;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Keeps a tenant-supplied receiver from pointing the service at its own network (SSRF): unless allowed, a host that
 * resolves to a loopback, link-local, private, unique-local, multicast or unspecified address is refused.
 * The address is checked before each attempt; a DNS answer that changes between check and connect is not caught.
 */
final class AddressGuard {

    private AddressGuard() {
    }

    /** Null if the host may be addressed, else why not. */
    static String refusal(String host, boolean allowPrivate) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "unknown host " + host;
        }
        if (allowPrivate) {
            return null;
        }
        for (InetAddress a : all) {
            if (isPrivate(a)) {
                return host + " resolves to the non-public address " + a.getHostAddress();
            }
        }
        return null;
    }

    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean sharedCgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocal || sharedCgnat;
    }
}
