package io.vigil.ingest.export.service;

import com.google.protobuf.ByteString;
import io.vigil.ingest.clickhouse.RowBinaryBuffer;
import io.vigil.proto.ingest.v1.Flow;

import java.util.List;

/** Writes flows as RowBinary rows of the flows table, in {@link #COLUMNS} order, without building row objects. */
public final class FlowRowEncoder {

    /** The flows table's columns as the encoder writes them. */
    public static final List<String> COLUMNS = List.of("tenant_id", "sensor_id", "batch_seq", "received_at", "start",
            "start_ms", "end_ms", "ip_version", "orig_addr", "resp_addr", "orig_port", "resp_port", "protocol",
            "icmp_type", "icmp_code", "icmp_reply", "orig_packets", "orig_bytes", "resp_packets", "resp_bytes",
            "orig_tcp_flags", "resp_tcp_flags", "conn_state", "history", "vlan", "community_id");

    private final byte[] tenant;
    private final byte[] sensor;

    /** An encoder for one sensor's stream: tenant and sensor are encoded once, not per row. */
    public FlowRowEncoder(String tenantId, String sensorId) {
        this.tenant = RowBinaryBuffer.encodedString(tenantId);
        this.sensor = RowBinaryBuffer.encodedString(sensorId);
    }

    /** Appends one validated flow. */
    public void encode(RowBinaryBuffer out, long batchSeq, long receivedAtSeconds, Flow f) {
        out.raw(tenant, 0, tenant.length)
                .raw(sensor, 0, sensor.length)
                .u64(batchSeq)
                .u32(receivedAtSeconds)
                .u32(f.getStartTimeMs() / 1000)
                .u64(f.getStartTimeMs())
                .u64(f.getEndTimeMs())
                .u8(f.getIpVersion());
        address(out, f.getIpVersion(), f.getOrigAddr());
        address(out, f.getIpVersion(), f.getRespAddr());
        out.u16(f.getOrigPort())
                .u16(f.getRespPort())
                .u8(f.getProtocol())
                .u8(f.getIcmpType())
                .u8(f.getIcmpCode())
                .u16(f.getIcmpReply())
                .u64(f.getOrigPackets())
                .u64(f.getOrigBytes())
                .u64(f.getRespPackets())
                .u64(f.getRespBytes())
                .u8(f.getOrigTcpFlags())
                .u8(f.getRespTcpFlags())
                .u8(f.getConnStateValue())
                .string(f.getHistory())
                .u16(f.getVlan())
                .string(f.getCommunityId());
    }

    /** FixedString(16): IPv6 as is, IPv4 mapped into ::ffff:a.b.c.d so both families share one column. */
    private static void address(RowBinaryBuffer out, int version, ByteString addr) {
        int at = out.reserve(16);
        byte[] b = out.array();
        if (version == 4) {
            java.util.Arrays.fill(b, at, at + 10, (byte) 0);
            b[at + 10] = (byte) 0xFF;
            b[at + 11] = (byte) 0xFF;
            addr.copyTo(b, at + 12);
        } else {
            addr.copyTo(b, at);
        }
    }
}
