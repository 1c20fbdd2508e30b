package io.vigil.sensor;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds test frames byte by byte, so decoder and meter tests do not depend on pcap4j or on captures. */
public final class Frames {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private Frames() {
    }

    public static byte[] addr(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** Ethernet II with the given VLAN tags (outer first, 802.1Q 0x8100 for the first, 0x88a8... as given). */
    public static byte[] ethernet(byte[] ip, int... vlans) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6});
        for (int i = 0; i < vlans.length; i++) {
            int tpid = vlans.length > 1 && i == 0 ? 0x88a8 : 0x8100;
            u16(b, tpid);
            u16(b, vlans[i]);
        }
        u16(b, (ip[0] >>> 4 & 0xf) == 6 ? 0x86dd : 0x0800);
        b.writeBytes(ip);
        return b.toByteArray();
    }

    public static byte[] tcp(int sport, int dport, int flags, int payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, sport);
        u16(b, dport);
        b.writeBytes(new byte[8]);
        b.write(5 << 4);
        b.write(flags);
        u16(b, 65535);
        b.writeBytes(new byte[4]);
        b.writeBytes(new byte[payload]);
        return b.toByteArray();
    }

    public static byte[] udp(int sport, int dport, int payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, sport);
        u16(b, dport);
        u16(b, 8 + payload);
        u16(b, 0);
        b.writeBytes(new byte[payload]);
        return b.toByteArray();
    }

    public static byte[] icmp(int type, int code, byte[] rest) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        b.write(code);
        u16(b, 0);
        b.writeBytes(new byte[4]);
        b.writeBytes(rest);
        return b.toByteArray();
    }

    public static byte[] ipv4(String src, String dst, int proto, byte[] l4) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x45);
        b.write(0);
        u16(b, 20 + l4.length);
        u16(b, 1);
        u16(b, 0);
        b.write(64);
        b.write(proto);
        u16(b, 0);
        b.writeBytes(addr(src));
        b.writeBytes(addr(dst));
        b.writeBytes(l4);
        return b.toByteArray();
    }

    /** IPv6 with the given extension headers (each: next-header value chain is built here) before the transport. */
    public static byte[] ipv6(String src, String dst, int proto, byte[] l4, int... extensionTypes) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (int i = 0; i < extensionTypes.length; i++) {
            int next = i + 1 < extensionTypes.length ? extensionTypes[i + 1] : proto;
            if (extensionTypes[i] == 44) {
                ext.write(next);
                ext.write(0);
                u16(ext, 0); // offset 0, more fragments 0: an atomic fragment
                ext.writeBytes(new byte[4]);
            } else {
                ext.write(next);
                ext.write(1); // 16 bytes
                ext.writeBytes(new byte[14]);
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, 0x6000);
        u16(b, 0);
        u16(b, ext.size() + l4.length);
        b.write(extensionTypes.length > 0 ? extensionTypes[0] : proto);
        b.write(64);
        b.writeBytes(addr(src));
        b.writeBytes(addr(dst));
        b.writeBytes(ext.toByteArray());
        b.writeBytes(l4);
        return b.toByteArray();
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }
}
