package io.vigil.sensor.output;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.sensor.meter.MeteredFlow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Maps a metered flow to the wire contract's {@code Flow}, the one shape both --stdout and the exporter emit.
 *
 * <p>{@link #toProto} builds the message; {@link #toByteArray} writes the same message's bytes straight from the
 * flow, without the builder, the message and their ByteStrings (about half the cost of a flow
 * stitched from NetFlow records went there). Both follow what protobuf's generated {@code Flow.writeTo} does: fields
 * in number order, proto3 defaults (0, empty) left out, {@code zeek_uid} (explicit presence) written when set.
 * FlowProtosTest holds them to byte-identical output; a field added to {@code Flow} must be added to both.
 */
public final class FlowProtos {

    private FlowProtos() {
    }

    public static Flow toProto(MeteredFlow f) {
        long start = Math.floorDiv(f.startMicros(), 1000);
        long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
        Flow.Builder b = Flow.newBuilder()
                .setStartTimeMs(start)
                .setEndTimeMs(end)
                .setIpVersion(f.ipVersion())
                .setOrigAddr(ByteString.copyFrom(f.origAddr()))
                .setRespAddr(ByteString.copyFrom(f.respAddr()))
                .setOrigPort(f.origPort())
                .setRespPort(f.respPort())
                .setProtocol(f.protocol())
                .setIcmpType(f.icmpType())
                .setIcmpCode(f.icmpCode())
                .setOrigPackets(f.origPackets())
                .setOrigBytes(f.origBytes())
                .setRespPackets(f.respPackets())
                .setRespBytes(f.respBytes())
                .setOrigTcpFlags(f.origTcpFlags())
                .setRespTcpFlags(f.respTcpFlags())
                .setConnState(f.connState())
                .setHistory(f.history())
                .setVlan(f.vlan())
                .setCommunityId(f.communityId())
                .setIcmpReply(f.icmpReply());
        if (f.zeekUid() != null) {
            b.setZeekUid(f.zeekUid());
        }
        if (f.source() != null) {
            b.setExporterAddr(ByteString.copyFrom(f.source().exporter())).setSamplingRate(f.source().samplingRate());
        }
        return b.build();
    }

    /**
     * {@code toProto(f).toByteArray()}, written directly. The two strings every flow has (history, Community ID) are
     * turned into UTF-8 once, by the JDK's vectorised encoder, rather than scanned twice by protobuf's char loops
     * (once to size the field, once to write it).
     */
    public static byte[] toByteArray(MeteredFlow f) {
        byte[] history = f.history().getBytes(StandardCharsets.UTF_8);
        byte[] communityId = f.communityId().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[serializedSize(f, history, communityId)];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        writeTo(f, history, communityId, o);
        o.checkNoSpaceLeft();
        return out;
    }

    private static void writeTo(MeteredFlow f, byte[] history, byte[] communityId, CodedOutputStream o) {
        try {
            long start = Math.floorDiv(f.startMicros(), 1000);
            long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
            uint64(o, Flow.START_TIME_MS_FIELD_NUMBER, start);
            uint64(o, Flow.END_TIME_MS_FIELD_NUMBER, end);
            uint32(o, Flow.IP_VERSION_FIELD_NUMBER, f.ipVersion());
            bytes(o, Flow.ORIG_ADDR_FIELD_NUMBER, f.origAddr());
            bytes(o, Flow.RESP_ADDR_FIELD_NUMBER, f.respAddr());
            uint32(o, Flow.ORIG_PORT_FIELD_NUMBER, f.origPort());
            uint32(o, Flow.RESP_PORT_FIELD_NUMBER, f.respPort());
            uint32(o, Flow.PROTOCOL_FIELD_NUMBER, f.protocol());
            uint32(o, Flow.ICMP_TYPE_FIELD_NUMBER, f.icmpType());
            uint32(o, Flow.ICMP_CODE_FIELD_NUMBER, f.icmpCode());
            uint64(o, Flow.ORIG_PACKETS_FIELD_NUMBER, f.origPackets());
            uint64(o, Flow.ORIG_BYTES_FIELD_NUMBER, f.origBytes());
            uint64(o, Flow.RESP_PACKETS_FIELD_NUMBER, f.respPackets());
            uint64(o, Flow.RESP_BYTES_FIELD_NUMBER, f.respBytes());
            uint32(o, Flow.ORIG_TCP_FLAGS_FIELD_NUMBER, f.origTcpFlags());
            uint32(o, Flow.RESP_TCP_FLAGS_FIELD_NUMBER, f.respTcpFlags());
            int state = f.connState().getNumber();
            if (state != 0) {
                o.writeEnum(Flow.CONN_STATE_FIELD_NUMBER, state);
            }
            bytes(o, Flow.HISTORY_FIELD_NUMBER, history); // a string's field is its UTF-8, length-delimited
            uint32(o, Flow.VLAN_FIELD_NUMBER, f.vlan());
            bytes(o, Flow.COMMUNITY_ID_FIELD_NUMBER, communityId);
            uint32(o, Flow.ICMP_REPLY_FIELD_NUMBER, f.icmpReply());
            if (f.zeekUid() != null) {
                o.writeString(Flow.ZEEK_UID_FIELD_NUMBER, f.zeekUid());
            }
            if (f.source() != null) {
                bytes(o, Flow.EXPORTER_ADDR_FIELD_NUMBER, f.source().exporter());
                uint32(o, Flow.SAMPLING_RATE_FIELD_NUMBER, f.source().samplingRate());
            }
        } catch (IOException e) {
            // An array-backed stream fails only when the size computed for it was wrong: a bug, not bad input.
            throw new UncheckedIOException("encoding a flow", e);
        }
    }

    private static int serializedSize(MeteredFlow f, byte[] history, byte[] communityId) {
        long start = Math.floorDiv(f.startMicros(), 1000);
        long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
        int n = uint64Size(Flow.START_TIME_MS_FIELD_NUMBER, start);
        n += uint64Size(Flow.END_TIME_MS_FIELD_NUMBER, end);
        n += uint32Size(Flow.IP_VERSION_FIELD_NUMBER, f.ipVersion());
        n += bytesSize(Flow.ORIG_ADDR_FIELD_NUMBER, f.origAddr());
        n += bytesSize(Flow.RESP_ADDR_FIELD_NUMBER, f.respAddr());
        n += uint32Size(Flow.ORIG_PORT_FIELD_NUMBER, f.origPort());
        n += uint32Size(Flow.RESP_PORT_FIELD_NUMBER, f.respPort());
        n += uint32Size(Flow.PROTOCOL_FIELD_NUMBER, f.protocol());
        n += uint32Size(Flow.ICMP_TYPE_FIELD_NUMBER, f.icmpType());
        n += uint32Size(Flow.ICMP_CODE_FIELD_NUMBER, f.icmpCode());
        n += uint64Size(Flow.ORIG_PACKETS_FIELD_NUMBER, f.origPackets());
        n += uint64Size(Flow.ORIG_BYTES_FIELD_NUMBER, f.origBytes());
        n += uint64Size(Flow.RESP_PACKETS_FIELD_NUMBER, f.respPackets());
        n += uint64Size(Flow.RESP_BYTES_FIELD_NUMBER, f.respBytes());
        n += uint32Size(Flow.ORIG_TCP_FLAGS_FIELD_NUMBER, f.origTcpFlags());
        n += uint32Size(Flow.RESP_TCP_FLAGS_FIELD_NUMBER, f.respTcpFlags());
        int state = f.connState().getNumber();
        if (state != 0) {
            n += CodedOutputStream.computeEnumSize(Flow.CONN_STATE_FIELD_NUMBER, state);
        }
        n += bytesSize(Flow.HISTORY_FIELD_NUMBER, history);
        n += uint32Size(Flow.VLAN_FIELD_NUMBER, f.vlan());
        n += bytesSize(Flow.COMMUNITY_ID_FIELD_NUMBER, communityId);
        n += uint32Size(Flow.ICMP_REPLY_FIELD_NUMBER, f.icmpReply());
        if (f.zeekUid() != null) {
            n += CodedOutputStream.computeStringSize(Flow.ZEEK_UID_FIELD_NUMBER, f.zeekUid());
        }
        if (f.source() != null) {
            n += bytesSize(Flow.EXPORTER_ADDR_FIELD_NUMBER, f.source().exporter());
            n += uint32Size(Flow.SAMPLING_RATE_FIELD_NUMBER, f.source().samplingRate());
        }
        return n;
    }

    private static void uint32(CodedOutputStream o, int field, int v) throws IOException {
        if (v != 0) {
            o.writeUInt32(field, v);
        }
    }

    private static void uint64(CodedOutputStream o, int field, long v) throws IOException {
        if (v != 0) {
            o.writeUInt64(field, v);
        }
    }

    private static void bytes(CodedOutputStream o, int field, byte[] v) throws IOException {
        if (v.length != 0) {
            o.writeByteArray(field, v);
        }
    }

    private static int uint32Size(int field, int v) {
        return v == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, v);
    }

    private static int uint64Size(int field, long v) {
        return v == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, v);
    }

    private static int bytesSize(int field, byte[] v) {
        return v.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(field, v);
    }
}
