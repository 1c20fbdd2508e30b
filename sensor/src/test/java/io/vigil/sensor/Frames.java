package io.vigil.sensor;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /** One IPv4 fragment of datagram {@code id}: {@code data} sits {@code offset} bytes into the transport bytes. */
    public static byte[] ipv4Fragment(String src, String dst, int proto, int id, int offset, boolean more,
                                      byte[] data) {
        byte[] ip = ipv4(src, dst, proto, data);
        ip[4] = (byte) (id >>> 8);
        ip[5] = (byte) id;
        int flags = (more ? 0x2000 : 0) | offset / 8;
        ip[6] = (byte) (flags >>> 8);
        ip[7] = (byte) flags;
        return ip;
    }

    /** Splits transport bytes into IPv4 fragments of {@code size} bytes (a multiple of 8), the last taking the rest. */
    public static List<byte[]> ipv4Fragments(String src, String dst, int proto, int id, byte[] l4, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < l4.length; off += size) {
            int end = Math.min(l4.length, off + size);
            out.add(ipv4Fragment(src, dst, proto, id, off, end < l4.length, Arrays.copyOfRange(l4, off, end)));
        }
        return out;
    }

    /**
     * One IPv6 fragment: the fixed header, then (when {@code withHopByHop}) an 8-byte hop-by-hop header in the
     * unfragmentable part, then the fragment header naming {@code nextHeader}, then {@code data}.
     */
    public static byte[] ipv6Fragment(String src, String dst, int nextHeader, int id, int offset, boolean more,
                                      byte[] data, boolean withHopByHop) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (withHopByHop) {
            ext.write(44);
            ext.write(0); // 8 bytes
            ext.writeBytes(new byte[] {1, 4, 0, 0, 0, 0}); // a PadN option
        }
        ext.write(nextHeader);
        ext.write(0);
        u16(ext, offset | (more ? 1 : 0));
        ext.write(id >>> 24);
        ext.write(id >>> 16);
        ext.write(id >>> 8);
        ext.write(id);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, 0x6000);
        u16(b, 0);
        u16(b, ext.size() + data.length);
        b.write(withHopByHop ? 0 : 44);
        b.write(64);
        b.writeBytes(addr(src));
        b.writeBytes(addr(dst));
        b.writeBytes(ext.toByteArray());
        b.writeBytes(data);
        return b.toByteArray();
    }

    /** A TCP header with a chosen sequence number and 4 bytes of options (an MSS, as nmap's SYN probes carry). */
    public static byte[] tcpWithMss(int sport, int dport, int flags) {
        byte[] t = new byte[24];
        t[0] = (byte) (sport >>> 8);
        t[1] = (byte) sport;
        t[2] = (byte) (dport >>> 8);
        t[3] = (byte) dport;
        t[7] = 42;
        t[12] = 6 << 4;
        t[13] = (byte) flags;
        t[14] = 4;
        t[20] = 2;
        t[21] = 4;
        t[22] = 0x05;
        t[23] = (byte) 0xb4;
        return t;
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }
}
