package io.vigil.ingest.export.service;

import io.vigil.ingest.clickhouse.RowBinaryBuffer;

import java.util.Arrays;
import java.util.List;

/** Writes validated flows as RowBinary rows of the flows table, in {@link #COLUMNS} order, straight from wire bytes. */
public final class FlowRowEncoder {

    /** The flows table's columns as the encoder writes them. */
    public static final List<String> COLUMNS = List.of("tenant_id", "sensor_id", "batch_seq", "received_at", "start",
            "start_ms", "end_ms", "ip_version", "orig_addr", "resp_addr", "orig_port", "resp_port", "protocol",
            "icmp_type", "icmp_code", "icmp_reply", "orig_packets", "orig_bytes", "resp_packets", "resp_bytes",
            "orig_tcp_flags", "resp_tcp_flags", "conn_state", "history", "vlan", "community_id", "zeek_uid",
            "exporter_addr", "sampling_rate");

    private final byte[] tenant;
    private final byte[] sensor;

    /** An encoder for one sensor's stream: tenant and sensor are encoded once, not per row. */
    public FlowRowEncoder(String tenantId, String sensorId) {
        this.tenant = RowBinaryBuffer.encodedString(tenantId);
        this.sensor = RowBinaryBuffer.encodedString(sensorId);
    }

    /** Appends one flow that {@link FlowValidator} accepted. */
    public void encode(RowBinaryBuffer out, long batchSeq, long receivedAtSeconds, FlowFields f) {
        out.raw(tenant, 0, tenant.length)
                .raw(sensor, 0, sensor.length)
                .u64(batchSeq)
                .u32(receivedAtSeconds)
                .u32(f.startTimeMs / 1000)
                .u64(f.startTimeMs)
                .u64(f.endTimeMs)
                .u8((int) f.ipVersion);
        address(out, f, f.origAddrOffset, f.origAddrLength);
        address(out, f, f.respAddrOffset, f.respAddrLength);
        out.u16((int) f.origPort)
                .u16((int) f.respPort)
                .u8((int) f.protocol)
                .u8((int) f.icmpType)
                .u8((int) f.icmpCode)
                .u16((int) f.icmpReply)
                .u64(f.origPackets)
                .u64(f.origBytes)
                .u64(f.respPackets)
                .u64(f.respBytes)
                .u8((int) f.origTcpFlags)
                .u8((int) f.respTcpFlags)
                .u8(f.connState)
                .varint(f.historyLength).raw(f.buf, f.historyOffset, f.historyLength)
                .u16((int) f.vlan)
                .varint(f.communityIdLength).raw(f.buf, f.communityIdOffset, f.communityIdLength)
                .varint(f.zeekUidLength).raw(f.buf, f.zeekUidOffset, f.zeekUidLength);
        address(out, f, f.exporterAddrOffset, f.exporterAddrLength);
        out.u32(f.samplingRate);
    }

    /**
     * FixedString(16): IPv6 as is, IPv4 mapped into ::ffff:a.b.c.d so both families share one column; no address
     * (a flow without an exporter) as 16 zero bytes.
     */
    private static void address(RowBinaryBuffer out, FlowFields f, int offset, int length) {
        int at = out.reserve(16);
        byte[] b = out.array();
        if (length == 0) {
            Arrays.fill(b, at, at + 16, (byte) 0);
        } else if (length == 4) {
            Arrays.fill(b, at, at + 10, (byte) 0);
            b[at + 10] = (byte) 0xFF;
            b[at + 11] = (byte) 0xFF;
            System.arraycopy(f.buf, offset, b, at + 12, 4);
        } else {
            System.arraycopy(f.buf, offset, b, at, 16);
        }
    }
}
