package io.vigil.detection.clickhouse;

import io.vigil.detection.model.Networks;

import java.util.List;
import java.util.Map;

/**
 * What a flow was, in ClickHouse SQL: the one home of "a probe", "failed" and "answered" for every query of detection
 * (the cycle's reads, baselines, the gate's observed figures). DESIGN.md, "Evidence: failed attempts", explains each
 * rule. Raw flows carry the initiator's TCP flags and Zeek-style history; the per-minute roll-up does not, so its kinds
 * are coarser and every TCP attempt there counts as a SYN.
 *
 * <p>TCP flags: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32.
 */
public final class FlowSql {

    /**
     * ClickHouse settings for the cycle's reads, whose literals (tenant ids, batch ranges, sources) grow with the
     * tenants of a chunk: room for a few MiB of SQL, and for the parser's count of literals, which 18.16 caps at 50,000
     * by default (a list of 10,000 tenants' sources passes it). Arrays of literals count as one element, so the largest
     * sets are written as arrays for {@code transform}.
     */
    public static final Map<String, String> READ_SETTINGS = Map.of("max_query_size", String.valueOf(64 << 20),
            "max_ast_elements", "5000000", "max_expanded_ast_elements", "5000000");

    private FlowSql() {
    }

    /**
     * The initiator's kind of attempt in raw flows. A lone ACK is an ACK ping only when nobody answered it (OTH with
     * no packet back) or a live host answered with a bare RST, as it must (RSTRH, history "Ar"). A lone ACK answered
     * with an ACK or with data is an established connection seen mid-stream (a sensor that started late, or a TCP
     * keep-alive of an idle connection metered past the idle timeout), not a probe.
     */
    public static final String KIND = """
            multiIf(protocol = 6 AND orig_packets > 0 AND bitAnd(orig_tcp_flags, 22) = 0, 'STEALTH',
                    protocol = 6 AND bitAnd(orig_tcp_flags, 2) != 0, 'SYN',
                    protocol = 6 AND orig_tcp_flags = 16 AND ((conn_state = 'OTH' AND resp_packets = 0)
                        OR (conn_state = 'RSTRH' AND resp_tcp_flags = 4)), 'ACK_PING',
                    protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO',
                    protocol = 17, 'UDP', 'OTHER')""";

    /** The kind of attempt in the per-minute roll-up, which has no TCP flags: TCP is taken as SYN. */
    public static final String ROLLUP_KIND =
            "multiIf(protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO', protocol = 6, 'SYN', protocol = 17, 'UDP', 'OTHER')";

    /**
     * A failed attempt of the kind {@code kind} (an SQL expression yielding a kind name): a SYN unanswered (S0), refused
     * (REJ), aborted before an answer (RSTOS0) or only seen half-way (SH); any ICMP error; an unanswered echo or UDP
     * datagram. ACK pings and stealth probes have no legitimate use, so each counts as failed.
     */
    public static String failed(String kind) {
        return "multiIf(" + kind + " = 'SYN', conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,"
                + " " + kind + " IN ('ACK_PING', 'STEALTH'), 1,"
                + " " + kind + " = 'ICMP_ECHO', resp_packets = 0 OR icmp_reply != 0,"
                + " " + kind + " = 'UDP', conn_state IN ('S0', 'REJ') OR icmp_reply != 0,"
                + " 0)";
    }

    /** Answered without data in raw flows: a half-open SYN scan or a connect scan of an open port; an echo reply. */
    public static String answered(String kind) {
        return "multiIf(" + kind + " = 'SYN', conn_state IN ('RSTO', 'RSTR', 'SF', 'S1', 'S2', 'S3', 'SHR') AND icmp_reply = 0"
                + " AND position(history, 'D') = 0 AND position(history, 'd') = 0,"
                + " " + kind + " = 'ICMP_ECHO', resp_packets > 0 AND icmp_reply = 0,"
                + " 0)";
    }

    /** Answered in the roll-up: only an echo reply (a TCP answer there may have carried data, so it is a success). */
    public static String rollupAnswered(String kind) {
        return "(" + kind + " = 'ICMP_ECHO' AND resp_packets > 0 AND icmp_reply = 0)";
    }

    /** A failed row of the roll-up, whatever its kind. */
    public static final String ROLLUP_FAILED = failed("(" + ROLLUP_KIND + ")");

    /**
     * The responder sent data in a raw flow: a payload packet in its history ('d'). True of a service that spoke (an SSH
     * banner, an SMB negotiate answer, an RDP connection confirm), false of a handshake answered and reset.
     */
    public static final String RESPONDER_DATA = "position(history, 'd') > 0";

    /**
     * The same for the roll-ups, which keep no history: the responder sent more IP bytes than its packets can carry as
     * bare segments (52 bytes each with IPv4 and TCP timestamps, 72 with IPv6, plus 8 for a SYN-ACK's options). A
     * handshake answered and closed stays under it; a service that said a few bytes goes over. Ingest's view onto
     * {@code source_flows_1m} counts the flows it holds for ({@code data_flows}); it must stay this expression
     * (SourceFlowsIT checks it).
     */
    public static final String ROLLUP_RESPONDER_DATA = "resp_bytes > resp_packets * if(ip_version = 6, 72, 52) + 8";

    /** 224/4 (IPv4-mapped) and ff00::/8 destinations: discovery traffic never answered, never a peer nor a target. */
    public static final String GROUP_DESTINATION = "(substring(resp_addr, 1, 12) = unhex('00000000000000000000FFFF')"
            + " AND bitAnd(reinterpretAsUInt8(substring(resp_addr, 13, 1)), 240) = 224"
            + " OR reinterpretAsUInt8(substring(resp_addr, 1, 1)) = 255)";

    /** An SQL condition: {@code column} (FixedString(16)) lies in one of the networks. */
    public static String inside(String column, Networks networks) {
        List<String> terms = networks.mappedPrefixes().stream().map(p -> prefix(column, p)).toList();
        return terms.isEmpty() ? "0" : "(" + String.join(" OR ", terms) + ")";
    }

    private static String prefix(String column, Networks.Prefix p) {
        int full = p.prefix() / 8;
        int rest = p.prefix() % 8;
        StringBuilder sb = new StringBuilder("(1");
        if (full > 0) {
            byte[] head = java.util.Arrays.copyOf(p.address(), full);
            sb.append(" AND substring(").append(column).append(", 1, ").append(full).append(") = unhex('")
                    .append(java.util.HexFormat.of().formatHex(head)).append("')");
        }
        if (rest > 0) {
            int mask = (0xff << (8 - rest)) & 0xff;
            sb.append(" AND bitAnd(reinterpretAsUInt8(substring(").append(column).append(", ").append(full + 1)
                    .append(", 1)), ").append(mask).append(") = ").append(p.address()[full] & mask);
        }
        return sb.append(')').toString();
    }
}
