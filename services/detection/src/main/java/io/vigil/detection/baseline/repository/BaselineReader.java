package io.vigil.detection.baseline.repository;

import io.vigil.lib.clickhouse.ClickHouseRow;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.scan.Networks;
import io.vigil.detection.scan.repository.FlowReader;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ClickHouse side of baselines: per-host, per-hour figures from the per-minute roll-up {@code flows_1m}, for the
 * customer's internal hosts only. Written for ClickHouse 18.16: CIDR tests are byte comparisons on the FixedString(16)
 * addresses (no IP functions), hours are {@code intDiv(toUInt32(minute), 3600)}.
 */
@ApplicationScoped
public class BaselineReader {

    /** Same rule as the scan detector's slow path: failed SYNs, unanswered echoes and UDP, ICMP errors. */
    static final String FAILED = "((protocol = 6 AND (conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0))"
            + " OR (protocol IN (1, 58) AND icmp_type IN (8, 128) AND (resp_packets = 0 OR icmp_reply != 0))"
            + " OR (protocol = 17 AND (conn_state IN ('S0', 'REJ') OR icmp_reply != 0)))";
    /** 224/4 (IPv4-mapped) and ff00::/8: discovery traffic never answered, never a peer. */
    static final String GROUP_DST = "(substring(resp_addr, 1, 12) = unhex('00000000000000000000FFFF')"
            + " AND bitAnd(reinterpretAsUInt8(substring(resp_addr, 13, 1)), 240) = 224"
            + " OR reinterpretAsUInt8(substring(resp_addr, 1, 1)) = 255)";

    private final ClickHouseQueries clickhouse;
    private final String db;

    public BaselineReader(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
    }

    /**
     * Every internal host's figures per clock hour in [from, until), at most {@code maxHosts} hosts (most active
     * first). Hours without any flow of the host are absent.
     */
    public Map<String, Map<Long, HourSample>> hourly(String tenant, Networks internal, Instant from, Instant until, int maxHosts) {
        if (internal.isEmpty()) {
            return Map.of();
        }
        String range = "tenant_id = " + FlowReader.tenantLiteral(tenant) + " AND minute >= toDateTime(" + from.getEpochSecond()
                + ") AND minute < toDateTime(" + until.getEpochSecond() + ")";
        String hour = "toInt64(intDiv(toUInt32(minute), 3600) * 3600)";
        String hosts = "SELECT orig_addr FROM " + db + ".flows_1m WHERE " + range + " AND " + inside("orig_addr", internal)
                + " GROUP BY orig_addr ORDER BY sum(flows) DESC LIMIT " + maxHosts;
        Map<String, Map<Long, HourSample>> out = new LinkedHashMap<>();
        clickhouse.select("SELECT " + FlowReader.addrText("orig_addr") + " AS host, " + hour + " AS hour, " + ACTIVITY
                + " FROM " + db + ".flows_1m WHERE " + range + " AND orig_addr IN (" + hosts + ") AND NOT " + GROUP_DST
                + " GROUP BY host, hour", r -> {
                    HourSample s = sample(out, r);
                    activity(s, r);
                    return s;
                });
        // Bytes in and out over both roles: as initiator it sends orig_bytes, as responder resp_bytes.
        clickhouse.select("SELECT " + FlowReader.addrText("host") + " AS h, hour, toInt64(sum(b_out)) AS b_out, toInt64(sum(b_in)) AS b_in FROM ("
                + " SELECT orig_addr AS host, " + hour + " AS hour, orig_bytes AS b_out, resp_bytes AS b_in FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND orig_addr IN (" + hosts + ")"
                + " UNION ALL SELECT resp_addr AS host, " + hour + " AS hour, resp_bytes AS b_out, orig_bytes AS b_in FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND resp_addr IN (" + hosts + ")) GROUP BY h, hour", r -> {
                    Map<Long, HourSample> byHour = out.get(FlowReader.unmapped(r.getString("h")));
                    if (byHour != null) {
                        HourSample s = byHour.computeIfAbsent(r.getLong("hour"), h -> HourSample.of(FlowReader.unmapped(r.getString("h")), h));
                        s.values().put(Metric.BYTES_OUT, r.getLong("b_out"));
                        s.values().put(Metric.BYTES_IN, r.getLong("b_in"));
                    }
                    return r;
                });
        // New external destinations: an external peer counts in the hour the host first contacted it in the history;
        // the history's first day is left out, since everything is new then.
        clickhouse.select("SELECT " + FlowReader.addrText("host") + " AS h, toInt64(intDiv(toUInt32(first), 3600) * 3600) AS hour,"
                + " toInt64(count()) AS n FROM (SELECT orig_addr AS host, resp_addr, min(minute) AS first FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND orig_addr IN (" + hosts + ") AND NOT " + inside("resp_addr", internal)
                + " AND NOT " + GROUP_DST + " GROUP BY host, resp_addr)"
                + " WHERE first >= toDateTime(" + from.plusSeconds(86_400).getEpochSecond() + ") GROUP BY h, hour", r -> {
                    Map<Long, HourSample> byHour = out.get(FlowReader.unmapped(r.getString("h")));
                    if (byHour != null) {
                        byHour.computeIfAbsent(r.getLong("hour"), h -> HourSample.of(FlowReader.unmapped(r.getString("h")), h))
                                .values().put(Metric.NEW_EXTERNAL, r.getLong("n"));
                    }
                    return r;
                });
        return out;
    }

    /** What each of {@code sources} did in [from, until), in the baseline's figures: the observed side of the gate. */
    public Map<String, HourSample> observed(String tenant, Collection<String> sources, Instant from, Instant until) {
        if (sources.isEmpty()) {
            return Map.of();
        }
        String in = sources.stream().map(FlowReader::mappedLiteral).collect(Collectors.joining(", "));
        Map<String, HourSample> out = new LinkedHashMap<>();
        clickhouse.select("SELECT " + FlowReader.addrText("orig_addr") + " AS host, toInt64(" + from.getEpochSecond() + ") AS hour, "
                + ACTIVITY + " FROM " + db + ".flows_1m WHERE tenant_id = " + FlowReader.tenantLiteral(tenant)
                + " AND minute >= toDateTime(" + from.getEpochSecond() + ") AND minute < toDateTime(" + until.getEpochSecond() + ")"
                + " AND orig_addr IN (" + in + ") AND NOT " + GROUP_DST + " GROUP BY host", r -> {
                    HourSample s = HourSample.of(FlowReader.unmapped(r.getString("host")), from.getEpochSecond());
                    activity(s, r);
                    out.put(s.host(), s);
                    return s;
                });
        return out;
    }

    private static final String ACTIVITY = "toInt64(uniqExact(resp_addr)) AS peers, toInt64(uniqExact(resp_port, protocol)) AS ports,"
            + " toInt64(uniqExactIf(resp_addr, resp_port, protocol, " + FAILED + ")) AS failed_targets,"
            + " toInt64(sum(flows)) AS attempts, toInt64(sumIf(flows, " + FAILED + ")) AS failed";

    private static HourSample sample(Map<String, Map<Long, HourSample>> out, ClickHouseRow r) {
        String host = FlowReader.unmapped(r.getString("host"));
        long hour = r.getLong("hour");
        return out.computeIfAbsent(host, h -> new LinkedHashMap<>()).computeIfAbsent(hour, h -> HourSample.of(host, h));
    }

    private static void activity(HourSample s, ClickHouseRow r) {
        s.values().put(Metric.PEERS, r.getLong("peers"));
        s.values().put(Metric.PORTS, r.getLong("ports"));
        s.values().put(Metric.FAILED_TARGETS, r.getLong("failed_targets"));
        long attempts = r.getLong("attempts");
        s.values().put(Metric.FAILED_RATIO, attempts == 0 ? 0 : Math.round(1000.0 * r.getLong("failed") / attempts));
    }

    /** An SQL condition: {@code column} (FixedString(16)) lies in one of the networks. */
    static String inside(String column, Networks networks) {
        List<String> terms = networks.mappedPrefixes().stream().map(p -> prefix(column, p)).toList();
        return terms.isEmpty() ? "0" : "(" + String.join(" OR ", terms) + ")";
    }

    static String prefix(String column, Networks.Prefix p) {
        int full = p.prefix() / 8;
        int rest = p.prefix() % 8;
        StringBuilder sb = new StringBuilder("(1");
        if (full > 0) {
            byte[] head = java.util.Arrays.copyOf(p.address(), full);
            sb.append(" AND substring(").append(column).append(", 1, ").append(full).append(") = unhex('")
                    .append(HexFormat.of().formatHex(head)).append("')");
        }
        if (rest > 0) {
            int mask = (0xff << (8 - rest)) & 0xff;
            sb.append(" AND bitAnd(reinterpretAsUInt8(substring(").append(column).append(", ").append(full + 1)
                    .append(", 1)), ").append(mask).append(") = ").append(p.address()[full] & mask);
        }
        return sb.append(')').toString();
    }
}
