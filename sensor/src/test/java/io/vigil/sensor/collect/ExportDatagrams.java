package io.vigil.sensor.collect;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/** Builds NetFlow v5, v9 and IPFIX datagrams byte by byte, as an exporter would, for the collector's tests. */
final class ExportDatagrams {

    /** Field types / information elements the tests' templates use (v9 and IPFIX number them alike). */
    static final int BYTES = 1;
    static final int PACKETS = 2;
    static final int PROTOCOL = 4;
    static final int FLAGS = 6;
    static final int SRC_PORT = 7;
    static final int SRC_V4 = 8;
    static final int DST_PORT = 11;
    static final int DST_V4 = 12;
    static final int LAST_UP = 21;
    static final int FIRST_UP = 22;
    static final int SRC_V6 = 27;
    static final int DST_V6 = 28;
    static final int ICMP = 32;
    static final int SAMPLING_INTERVAL = 34;
    static final int SAMPLER_ID = 48;
    static final int START_MS = 152;
    static final int END_MS = 153;
    static final int SYSTEM_INIT_MS = 160;

    /** The tests' usual IPv4 flow template: addresses, ports, protocol, flags, counters, uptime stamps. */
    static final int[] FLOW_V4 = {SRC_V4, 4, DST_V4, 4, SRC_PORT, 2, DST_PORT, 2, PROTOCOL, 1, FLAGS, 1, PACKETS, 4,
        BYTES, 4, FIRST_UP, 4, LAST_UP, 4};

    private ExportDatagrams() {
    }

    /** A template's (type, length) pairs with more pairs appended. */
    static int[] append(int[] typeLength, int... more) {
        int[] out = java.util.Arrays.copyOf(typeLength, typeLength.length + more.length);
        System.arraycopy(more, 0, out, typeLength.length, more.length);
        return out;
    }

    /** A growing byte array with big-endian writers. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(long v) {
            out.write((int) v);
            return this;
        }

        Bytes u16(long v) {
            return u8(v >>> 8).u8(v);
        }

        Bytes u32(long v) {
            return u16(v >>> 16).u16(v);
        }

        Bytes u64(long v) {
            return u32(v >>> 32).u32(v);
        }

        Bytes addr(String ip) {
            try {
                out.writeBytes(InetAddress.getByName(ip).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(ip, e);
            }
            return this;
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** One record of {@link #FLOW_V4}. */
    static Consumer<Bytes> flow(String src, String dst, int sport, int dport, int proto, int flags, long pkts,
                                long bytes, long firstUp, long lastUp) {
        return b -> b.addr(src).addr(dst).u16(sport).u16(dport).u8(proto).u8(flags).u32(pkts).u32(bytes)
                .u32(firstUp).u32(lastUp);
    }

    /** A NetFlow v9 or IPFIX message: header, then sets added in order. */
    static final class Message {
        private final boolean ipfix;
        private final Bytes body = new Bytes();
        private final Bytes header = new Bytes();
        private int records;

        private Message(boolean ipfix) {
            this.ipfix = ipfix;
        }

        static Message v9(long uptimeMs, long unixSecs, long sequence, long sourceId) {
            Message m = new Message(false);
            m.header.u16(9).u16(0).u32(uptimeMs).u32(unixSecs).u32(sequence).u32(sourceId);
            return m;
        }

        static Message ipfix(long exportSecs, long sequence, long domain) {
            Message m = new Message(true);
            m.header.u16(10).u16(0).u32(exportSecs).u32(sequence).u32(domain);
            return m;
        }

        /** A template set with one template: (type, length) pairs. */
        Message template(int id, int... typeLength) {
            Bytes t = new Bytes().u16(id).u16(typeLength.length / 2);
            for (int i = 0; i < typeLength.length; i += 2) {
                t.u16(typeLength[i]).u16(typeLength[i + 1]);
            }
            records++;
            return set(ipfix ? 2 : 0, t.bytes());
        }

        /** An options template: scope (type, length) pairs, then option (type, length) pairs. */
        Message optionsTemplate(int id, int[] scope, int[] options) {
            Bytes t = new Bytes().u16(id);
            if (ipfix) {
                t.u16((scope.length + options.length) / 2).u16(scope.length / 2);
            } else {
                t.u16(scope.length * 2).u16(options.length * 2);
            }
            for (int[] pairs : new int[][] {scope, options}) {
                for (int i = 0; i < pairs.length; i += 2) {
                    t.u16(pairs[i]).u16(pairs[i + 1]);
                }
            }
            while (!ipfix && t.size() % 4 != 0) {
                t.u8(0);
            }
            records++;
            return set(ipfix ? 3 : 1, t.bytes());
        }

        /** A data set for template {@code id}, its records written by the given writers. */
        @SafeVarargs
        final Message data(int id, Consumer<Bytes>... recs) {
            Bytes d = new Bytes();
            for (Consumer<Bytes> r : recs) {
                r.accept(d);
                records++;
            }
            while (d.size() % 4 != 0) {
                d.u8(0); // padding to 32 bits, as exporters add it
            }
            return set(id, d.bytes());
        }

        Message set(int id, byte[] content) {
            body.u16(id).u16(content.length + 4).raw(content);
            return this;
        }

        byte[] build() {
            byte[] h = header.bytes();
            byte[] b = body.bytes();
            byte[] out = new byte[h.length + b.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(b, 0, out, h.length, b.length);
            int second = ipfix ? out.length : records;
            out[2] = (byte) (second >>> 8);
            out[3] = (byte) second;
            return out;
        }
    }

    /** A NetFlow v5 datagram; each record as {src, dst, sport, dport, proto, flags, pkts, bytes, firstUp, lastUp}. */
    static byte[] v5(long uptimeMs, long unixSecs, long sequence, int sampling, Object[]... recs) {
        Bytes b = new Bytes().u16(5).u16(recs.length).u32(uptimeMs).u32(unixSecs).u32(0).u32(sequence).u8(0).u8(0)
                .u16(sampling);
        for (Object[] r : recs) {
            b.addr((String) r[0]).addr((String) r[1]).u32(0).u16(1).u16(2).u32((Long) r[6]).u32((Long) r[7])
                    .u32((Long) r[8]).u32((Long) r[9]).u16((Integer) r[2]).u16((Integer) r[3]).u8(0)
                    .u8((Integer) r[5]).u8((Integer) r[4]).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0);
        }
        return b.bytes();
    }
}
