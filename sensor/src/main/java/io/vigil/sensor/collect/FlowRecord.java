package io.vigil.sensor.collect;

/**
 * One flow record as an exporter sent it (one direction of a connection, or both for an RFC 5103 biflow), filled in
 * place by {@link RecordDecoder} so that decoding allocates nothing per record. Addresses are kept as
 * {@code DecodedPacket} keeps them: two longs each, IPv4 mapped into {@code ::ffff:a.b.c.d}.
 */
public final class FlowRecord {

    /** 4 or 6; 0 when the record carried no IP addresses (it is then skipped). */
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** Transport ports; 0 for protocols without ports. */
    public int srcPort;
    public int dstPort;
    public int protocol;
    /** Union of the TCP flags of the direction's packets (the sampled ones, when sampled). */
    public int tcpFlags;
    /** ICMP/ICMPv6 type and code as {@code (type << 8) | code}, or -1 when the record has none. */
    public int icmpTypeCode;
    /** Packets and IP bytes, already multiplied by {@link #samplingRate}. */
    public long packets;
    public long bytes;
    /** First and last packet, ms since the epoch; {@code endMs >= startMs}. */
    public long startMs;
    public long endMs;
    /** VLAN the exporter reported (0 when none). */
    public int vlan;
    /** 1 in N packets were counted by the exporter; 1 when it counted every packet. */
    public int samplingRate;
    /** Index of the exporter in {@link Exporters} (part of the stitching key: exporters never stitch together). */
    public int exporter;
    /** RFC 5103 biflow (or initiator/responder counters): the reverse direction's counters in the same record. */
    public boolean hasReverse;
    public long reversePackets;
    public long reverseBytes;
    public int reverseTcpFlags;

    public FlowRecord() {
        reset();
    }

    void reset() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        srcPort = dstPort = protocol = tcpFlags = vlan = 0;
        icmpTypeCode = -1;
        packets = bytes = startMs = endMs = 0;
        samplingRate = 1;
        hasReverse = false;
        reversePackets = reverseBytes = 0;
        reverseTcpFlags = 0;
    }
}
