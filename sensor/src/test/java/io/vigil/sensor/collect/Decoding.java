package io.vigil.sensor.collect;

import io.vigil.sensor.output.IpText;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A decoder with its exporters and the records it produced, for tests that feed it datagrams at chosen times. */
final class Decoding {

    /** One decoded record, copied out (the decoder reuses its record). */
    record Got(String src, String dst, int sport, int dport, int proto, int flags, long packets, long bytes,
               long startMs, long endMs, int rate, int exporter, int icmp, int vlan, boolean reverse,
               long reversePackets, long reverseBytes, int reverseFlags) {
    }

    final Exporters exporters;
    final RecordDecoder decoder;
    final List<Got> records = new ArrayList<>();

    Decoding() {
        this(CollectorConfig.defaults(List.of(new InetSocketAddress(0))));
    }

    Decoding(CollectorConfig config) {
        exporters = new Exporters(config);
        decoder = new RecordDecoder(exporters, config.defaultSamplingRate(), r -> records.add(new Got(
                ip(r.ipVersion, r.srcHi, r.srcLo), ip(r.ipVersion, r.dstHi, r.dstLo), r.srcPort, r.dstPort, r.protocol,
                r.tcpFlags, r.packets, r.bytes, r.startMs, r.endMs, r.samplingRate, r.exporter, r.icmpTypeCode,
                r.vlan, r.hasReverse, r.reversePackets, r.reverseBytes, r.reverseTcpFlags)));
    }

    Decoding send(String exporter, byte[] datagram, long nowMs) {
        decoder.datagram(address(exporter), datagram, datagram.length, nowMs);
        return this;
    }

    Exporters.Exporter exporter(String address) {
        return exporters.all().stream().filter(e -> e.text.equals(address)).findFirst().orElseThrow();
    }

    /** Records decoded since the last call. */
    List<Got> take() {
        List<Got> out = List.copyOf(records);
        records.clear();
        return out;
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    static String ip(int version, long hi, long lo) {
        byte[] b = new byte[version == 6 ? 16 : 4];
        if (version == 6) {
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        } else {
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) (lo >>> (24 - 8 * i));
            }
        }
        return IpText.of(b);
    }
}
