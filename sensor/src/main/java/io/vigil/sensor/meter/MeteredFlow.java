package io.vigil.sensor.meter;

import io.vigil.proto.ingest.v1.ConnState;

/**
 * One exported flow, copied out of the flow table when it ends, so that output and export never see a record that
 * the meter is about to reuse. Field meanings and units are those of the proto's {@code Flow}, times in µs;
 * {@code zeekUid} is null for flows metered from packets and the conn log's uid for flows read from Zeek;
 * {@code source} is set only for flows stitched from NetFlow/IPFIX records (null when metered from packets).
 */
public record MeteredFlow(
        long startMicros,
        long endMicros,
        int ipVersion,
        byte[] origAddr,
        byte[] respAddr,
        int origPort,
        int respPort,
        int protocol,
        int icmpType,
        int icmpCode,
        long origPackets,
        long origBytes,
        long respPackets,
        long respBytes,
        int origTcpFlags,
        int respTcpFlags,
        ConnState connState,
        String history,
        int vlan,
        String communityId,
        int icmpReply,
        ExportReason reason,
        String zeekUid,
        Source source) {

    /** A flow metered from packets: no Zeek uid, no exporter, nothing sampled. */
    public MeteredFlow(long startMicros, long endMicros, int ipVersion, byte[] origAddr, byte[] respAddr, int origPort,
                       int respPort, int protocol, int icmpType, int icmpCode, long origPackets, long origBytes,
                       long respPackets, long respBytes, int origTcpFlags, int respTcpFlags, ConnState connState,
                       String history, int vlan, String communityId, int icmpReply, ExportReason reason) {
        this(startMicros, endMicros, ipVersion, origAddr, respAddr, origPort, respPort, protocol, icmpType, icmpCode,
                origPackets, origBytes, respPackets, respBytes, origTcpFlags, respTcpFlags, connState, history, vlan,
                communityId, icmpReply, reason, null, null);
    }

    /**
     * Where a flow built from flow records came from.
     *
     * @param exporter     the exporting device's address (4 or 16 bytes), the proto's {@code exporter_addr}
     * @param samplingRate 1 in N packets counted by the exporter (counts already scaled by it); 1 when unsampled
     */
    public record Source(byte[] exporter, int samplingRate) {
    }

    /** Why a flow left the table. */
    public enum ExportReason {
        /** TCP finished (FIN both ways or a RST), or an ICMP error rejected the attempt. */
        END,
        /** No packet for the idle timeout (or the attempt timeout, for unanswered attempts). */
        IDLE,
        /** Open longer than the active timeout: this record is a slice; the flow continues in a new one. */
        ACTIVE,
        /** The table was full and this flow was the least recently active of those sampled. */
        EVICTED,
        /** The capture ended (replay) or the sensor stopped. */
        FLUSH
    }
}
