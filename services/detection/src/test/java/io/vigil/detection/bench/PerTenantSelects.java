package io.vigil.detection.bench;

import io.vigil.detection.cycle.SeqRange;
import io.vigil.lib.clickhouse.Sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark's reference: the SELECTs the per-tenant cycle (the design before one pass per cycle) sent for a cycle,
 * rebuilt as it built them. Per tenant with new batches: its window, its probing sources' 6 h slow horizon, and its
 * shared-failure window; per tenant with findings, the gate's last hour; once per cycle, the stored marks. About 3 per
 * customer, each one round trip.
 */
final class PerTenantSelects {

    private static final String KIND = """
            multiIf(protocol = 6 AND orig_packets > 0 AND bitAnd(orig_tcp_flags, 22) = 0, 'STEALTH',
                    protocol = 6 AND bitAnd(orig_tcp_flags, 2) != 0, 'SYN',
                    protocol = 6 AND orig_tcp_flags = 16 AND (conn_state = 'OTH' OR (conn_state = 'RSTRH' AND resp_tcp_flags = 4)), 'ACK_PING',
                    protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO',
                    protocol = 17, 'UDP', 'OTHER')""";
    private static final String FAILED = """
            multiIf(kind = 'SYN', conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,
                    kind IN ('ACK_PING', 'STEALTH'), 1,
                    kind = 'ICMP_ECHO', resp_packets = 0 OR icmp_reply != 0,
                    kind = 'UDP', conn_state IN ('S0', 'REJ') OR icmp_reply != 0,
                    0)""";
    private static final String ANSWERED = """
            multiIf(kind = 'SYN', conn_state IN ('RSTO', 'RSTR', 'SF', 'S1', 'S2', 'S3', 'SHR') AND icmp_reply = 0
                        AND position(history, 'D') = 0 AND position(history, 'd') = 0,
                    kind = 'ICMP_ECHO', resp_packets > 0 AND icmp_reply = 0,
                    0)""";
    private static final String ROLLUP_KIND = "multiIf(protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO', protocol = 6, 'SYN', protocol = 17, 'UDP', 'OTHER')";
    private static final String ROLLUP_FAILED = "multiIf(kind = 'SYN', conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,"
            + " kind = 'ICMP_ECHO', resp_packets = 0 OR icmp_reply != 0,"
            + " kind = 'UDP', conn_state IN ('S0', 'REJ') OR icmp_reply != 0, 0)";
    private static final String FAILED_ROW = "((protocol = 6 AND conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH')) OR icmp_reply != 0"
            + " OR (protocol IN (1, 58) AND icmp_type IN (8, 128) AND resp_packets = 0)"
            + " OR (protocol = 17 AND conn_state IN ('S0', 'REJ')))";
    private static final String ACTIVITY_FAILED = "((protocol = 6 AND (conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0))"
            + " OR (protocol IN (1, 58) AND icmp_type IN (8, 128) AND (resp_packets = 0 OR icmp_reply != 0))"
            + " OR (protocol = 17 AND (conn_state IN ('S0', 'REJ') OR icmp_reply != 0)))";

    private PerTenantSelects() {
    }

    /**
     * @param db        the database
     * @param batches   each tenant's judged ranges
     * @param probing   each tenant's probing sources in those batches
     * @param alerted   tenants with findings (the gate's query)
     * @param end       the cycle's clock
     */
    static List<String> of(String db, Map<String, List<SeqRange>> batches, Map<String, ? extends Collection<String>> probing,
                           Collection<String> alerted, Instant end) {
        List<String> out = new ArrayList<>();
        out.add("SELECT tenant_id, sensor_id, toInt64(maxMerge(max_seq)) AS seq FROM " + db + ".sensor_batches GROUP BY tenant_id,"
                + " sensor_id HAVING maxMerge(last_received) >= toDateTime(" + end.minusSeconds(3600).getEpochSecond() + ")");
        long slowFrom = end.minusSeconds(6 * 3600).getEpochSecond();
        long distributedFrom = end.minusSeconds(600).getEpochSecond();
        long until = end.plusSeconds(300).getEpochSecond();
        batches.forEach((tenant, ranges) -> {
            String t = Sql.tenant(tenant);
            String r = ranges.stream().map(b -> "(sensor_id = " + Sql.quote(b.sensor()) + " AND batch_seq > " + b.after()
                    + " AND batch_seq <= " + b.upTo() + ")").collect(Collectors.joining(" OR "));
            out.add("SELECT " + text("orig_addr") + " AS src, " + text("resp_addr") + " AS dst,"
                    + " toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port, toInt32(protocol) AS proto, " + KIND + " AS kind,"
                    + " toInt64(count()) AS n, toInt64(countIf(" + FAILED + ")) AS n_failed, toInt64(countIf(" + ANSWERED + ")) AS n_answered,"
                    + " toInt64(min(start_ms)) AS first_ms, toInt64(max(end_ms)) AS last_ms FROM " + db + ".flows"
                    + " WHERE tenant_id = " + t + " AND received_at >= toDateTime(" + end.minusSeconds(3600).getEpochSecond() + ") AND (" + r + ")"
                    + " GROUP BY src, dst, port, proto, kind");
            Collection<String> sources = probing.get(tenant);
            if (sources != null && !sources.isEmpty()) {
                out.add(rollup(db, t, slowFrom, until, "orig_addr IN (" + sources.stream().map(Sql::address).collect(Collectors.joining(", ")) + ")"));
                String where = span(t, distributedFrom, until) + " AND " + FAILED_ROW;
                String services = "SELECT resp_port, protocol FROM " + db + ".flows_1m WHERE " + where
                        + " GROUP BY resp_port, protocol HAVING uniqExact(orig_addr) >= 5";
                out.add(rollup(db, t, distributedFrom, until, "orig_addr IN (SELECT DISTINCT orig_addr FROM " + db + ".flows_1m WHERE "
                        + where + " AND (resp_port, protocol) IN (" + services + "))"));
            }
        });
        for (String tenant : alerted) {
            Collection<String> sources = probing.get(tenant);
            long from = end.minusSeconds(3600).getEpochSecond();
            out.add("SELECT " + text("orig_addr") + " AS host, toInt64(" + from + ") AS hour,"
                    + " toInt64(uniqExact(resp_addr)) AS peers, toInt64(uniqExact(resp_port, protocol)) AS ports,"
                    + " toInt64(uniqExactIf(resp_addr, resp_port, protocol, " + ACTIVITY_FAILED + ")) AS failed_targets,"
                    + " toInt64(sum(flows)) AS attempts, toInt64(sumIf(flows, " + ACTIVITY_FAILED + ")) AS failed"
                    + " FROM " + db + ".flows_1m WHERE tenant_id = " + Sql.tenant(tenant) + " AND minute >= toDateTime(" + from + ")"
                    + " AND minute < toDateTime(" + until + ") AND orig_addr IN ("
                    + sources.stream().map(Sql::address).collect(Collectors.joining(", ")) + ") GROUP BY host");
        }
        return out;
    }

    private static String rollup(String db, String tenant, long from, long until, String filter) {
        return "SELECT " + text("orig_addr") + " AS src, " + text("resp_addr") + " AS dst,"
                + " toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port, toInt32(protocol) AS proto, " + ROLLUP_KIND + " AS kind,"
                + " toInt64(sum(flows)) AS n, toInt64(sumIf(flows, " + ROLLUP_FAILED + ")) AS n_failed,"
                + " toInt64(sumIf(flows, kind = 'ICMP_ECHO' AND resp_packets > 0 AND icmp_reply = 0)) AS n_answered,"
                + " toInt64(min(minute)) * 1000 AS first_ms, toInt64(max(minute)) * 1000 + 59999 AS last_ms"
                + " FROM " + db + ".flows_1m WHERE " + span(tenant, from, until) + " AND " + filter
                + " GROUP BY src, dst, port, proto, kind";
    }

    private static String span(String tenant, long from, long until) {
        return "tenant_id = " + tenant + " AND minute >= toDateTime(" + from + ") AND minute < toDateTime(" + until + ")";
    }

    private static String text(String column) {
        return Sql.addressText(column);
    }
}
