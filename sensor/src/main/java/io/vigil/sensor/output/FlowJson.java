package io.vigil.sensor.output;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vigil.proto.ingest.v1.Flow;

/**
 * One JSON object per flow, with the proto's field names.
 *
 * <p>Two dialects. {@link Dialect#READABLE} (the default) prints addresses as IP strings, 64-bit counters as numbers
 * and every field even when zero, so {@code jq} and eyes can use it directly. {@link Dialect#PROTO} is protobuf's
 * canonical JSON mapping (addresses base64, uint64 as strings, zero fields omitted), for tools that parse it back
 * into a {@code Flow}. Flows stitched from NetFlow/IPFIX records add {@code exporter_addr} and {@code sampling_rate}.
 */
public final class FlowJson {

    /** Which JSON mapping to print. */
    public enum Dialect {
        READABLE,
        PROTO
    }

    private static final JsonFormat.Printer PROTO_PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

    private FlowJson() {
    }

    public static String toJson(Flow f, Dialect dialect) {
        if (dialect == Dialect.PROTO) {
            try {
                return PROTO_PRINTER.print(f);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a Flow always prints", e);
            }
        }
        StringBuilder b = new StringBuilder(420);
        b.append("{\"start_time_ms\":").append(f.getStartTimeMs())
                .append(",\"end_time_ms\":").append(f.getEndTimeMs())
                .append(",\"ip_version\":").append(f.getIpVersion())
                .append(",\"orig_addr\":\"").append(IpText.of(f.getOrigAddr().toByteArray()))
                .append("\",\"resp_addr\":\"").append(IpText.of(f.getRespAddr().toByteArray()))
                .append("\",\"orig_port\":").append(f.getOrigPort())
                .append(",\"resp_port\":").append(f.getRespPort())
                .append(",\"protocol\":").append(f.getProtocol())
                .append(",\"icmp_type\":").append(f.getIcmpType())
                .append(",\"icmp_code\":").append(f.getIcmpCode())
                .append(",\"orig_packets\":").append(f.getOrigPackets())
                .append(",\"orig_bytes\":").append(f.getOrigBytes())
                .append(",\"resp_packets\":").append(f.getRespPackets())
                .append(",\"resp_bytes\":").append(f.getRespBytes())
                .append(",\"orig_tcp_flags\":").append(f.getOrigTcpFlags())
                .append(",\"resp_tcp_flags\":").append(f.getRespTcpFlags())
                .append(",\"conn_state\":\"").append(f.getConnState().name())
                .append("\",\"history\":\"").append(f.getHistory())
                .append("\",\"vlan\":").append(f.getVlan())
                .append(",\"community_id\":\"").append(f.getCommunityId())
                .append("\",\"icmp_reply\":").append(f.getIcmpReply());
        if (f.hasZeekUid()) {
            // Only flows read from a Zeek conn log have one: the analyst's way back to their Zeek logs.
            b.append(",\"zeek_uid\":\"").append(f.getZeekUid()).append('"');
        }
        if (!f.getExporterAddr().isEmpty()) {
            // Only flows stitched from exporters' records have these; packet-metered lines stay as they were.
            b.append(",\"exporter_addr\":\"").append(IpText.of(f.getExporterAddr().toByteArray()))
                    .append("\",\"sampling_rate\":").append(f.getSamplingRate());
        }
        return b.append('}').toString();
    }
}
