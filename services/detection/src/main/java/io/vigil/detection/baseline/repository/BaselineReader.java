package io.vigil.detection.baseline.repository;

import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.clickhouse.FlowSql;
import io.vigil.detection.model.Networks;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseRow;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
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
    static final String FAILED = FlowSql.ROLLUP_FAILED;
    /** Discovery traffic to group addresses: never answered, never a peer. */
    static final String GROUP_DST = FlowSql.GROUP_DESTINATION;

    private final ClickHouseQueries clickhouse;
    private final String db;
    private final Map<String, String> settings;

    public BaselineReader(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
        // The gate's query carries a literal per finding's source.
        this.settings = FlowSql.READ_SETTINGS;
    }

    /** Tenants with flows received in [from, until): the ones whose baselines a refresh recomputes. */
    public List<String> tenantsWithFlows(Instant from, Instant until) {
        return clickhouse.select("SELECT DISTINCT tenant_id FROM " + db + ".flows WHERE received_at >= toDateTime("
                + from.getEpochSecond() + ") AND received_at < toDateTime(" + until.getEpochSecond() + ")",
                r -> r.getString("tenant_id"));
    }

    /**
     * Every internal host's figures per clock hour in [from, until), at most {@code maxHosts} hosts (most active
     * first). Hours without any flow of the host are absent.
     */
    public Map<String, Map<Long, HourSample>> hourly(String tenant, Networks internal, Instant from, Instant until, int maxHosts) {
        if (internal.isEmpty()) {
            return Map.of();
        }
        String range = "tenant_id = " + Sql.tenant(tenant) + " AND minute >= toDateTime(" + from.getEpochSecond()
                + ") AND minute < toDateTime(" + until.getEpochSecond() + ")";
        String hour = "toInt64(intDiv(toUInt32(minute), 3600) * 3600)";
        String hosts = "SELECT orig_addr FROM " + db + ".flows_1m WHERE " + range + " AND " + FlowSql.inside("orig_addr", internal)
                + " GROUP BY orig_addr ORDER BY sum(flows) DESC LIMIT " + maxHosts;
        Map<String, Map<Long, HourSample>> out = new LinkedHashMap<>();
        clickhouse.select("SELECT " + Sql.addressText("orig_addr") + " AS host, " + hour + " AS hour, " + ACTIVITY
                + " FROM " + db + ".flows_1m WHERE " + range + " AND orig_addr IN (" + hosts + ") AND NOT " + GROUP_DST
                + " GROUP BY host, hour", r -> {
                    HourSample s = sample(out, r);
                    activity(s, r);
                    return s;
                });
        // Bytes in and out over both roles: as initiator it sends orig_bytes, as responder resp_bytes.
        clickhouse.select("SELECT " + Sql.addressText("host") + " AS h, hour, toInt64(sum(b_out)) AS b_out, toInt64(sum(b_in)) AS b_in FROM ("
                + " SELECT orig_addr AS host, " + hour + " AS hour, orig_bytes AS b_out, resp_bytes AS b_in FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND orig_addr IN (" + hosts + ")"
                + " UNION ALL SELECT resp_addr AS host, " + hour + " AS hour, resp_bytes AS b_out, orig_bytes AS b_in FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND resp_addr IN (" + hosts + ")) GROUP BY h, hour", r -> {
                    Map<Long, HourSample> byHour = out.get(Sql.unmapped(r.getString("h")));
                    if (byHour != null) {
                        HourSample s = byHour.computeIfAbsent(r.getLong("hour"), h -> HourSample.of(Sql.unmapped(r.getString("h")), h));
                        s.values().put(Metric.BYTES_OUT, r.getLong("b_out"));
                        s.values().put(Metric.BYTES_IN, r.getLong("b_in"));
                    }
                    return r;
                });
        // New external destinations: an external peer counts in the hour the host first contacted it in the history;
        // the history's first day is left out, since everything is new then.
        clickhouse.select("SELECT " + Sql.addressText("host") + " AS h, toInt64(intDiv(toUInt32(first), 3600) * 3600) AS hour,"
                + " toInt64(count()) AS n FROM (SELECT orig_addr AS host, resp_addr, min(minute) AS first FROM " + db + ".flows_1m"
                + " WHERE " + range + " AND orig_addr IN (" + hosts + ") AND NOT " + FlowSql.inside("resp_addr", internal)
                + " AND NOT " + GROUP_DST + " GROUP BY host, resp_addr)"
                + " WHERE first >= toDateTime(" + from.plusSeconds(86_400).getEpochSecond() + ") GROUP BY h, hour", r -> {
                    Map<Long, HourSample> byHour = out.get(Sql.unmapped(r.getString("h")));
                    if (byHour != null) {
                        byHour.computeIfAbsent(r.getLong("hour"), h -> HourSample.of(Sql.unmapped(r.getString("h")), h))
                                .values().put(Metric.NEW_EXTERNAL, r.getLong("n"));
                    }
                    return r;
                });
        return out;
    }

    /**
     * What each source did from its own start until {@code until}, in the baseline's figures (bytes out as the initiator),
     * by tenant and source:
     * the observed side of the gate, for every finding of a cycle in one query.
     *
     * @param since per tenant, each source's window start
     */
    public Map<String, Map<String, HourSample>> observed(Map<String, Map<String, Instant>> since, Instant until) {
        if (since.values().stream().allMatch(Map::isEmpty)) {
            return Map.of();
        }
        List<String> keys = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, Map<String, Instant>> t : since.entrySet()) {
            for (Map.Entry<String, Instant> s : t.getValue().entrySet()) {
                keys.add(Sql.quote(t.getKey() + "/" + Sql.mapped(s.getKey())));
                starts.add(String.valueOf(s.getValue().getEpochSecond()));
                pairs.add("(" + Sql.tenant(t.getKey()) + ", " + Sql.address(s.getKey()) + ")");
                earliest = Math.min(earliest, s.getValue().getEpochSecond());
            }
        }
        String start = "transform(concat(tenant_id, '/', " + Sql.addressText("orig_addr") + "), [" + String.join(", ", keys)
                + "], [" + String.join(", ", starts) + "], 4294967295)";
        Map<String, Map<String, HourSample>> out = new LinkedHashMap<>();
        clickhouse.select("/* detection gate-observed */ SELECT tenant_id AS t, " + Sql.addressText("orig_addr") + " AS host, toInt64(" + start + ") AS hour, "
                + ACTIVITY + ", toInt64(sum(orig_bytes)) AS bytes_out FROM " + db + ".flows_1m WHERE tenant_id IN (" + since.keySet().stream().map(Sql::tenant)
                .collect(Collectors.joining(", ")) + ") AND minute >= toDateTime(" + earliest + ")"
                + " AND minute < toDateTime(" + until.getEpochSecond() + ") AND (tenant_id, orig_addr) IN (" + String.join(", ", pairs) + ")"
                + " AND toUInt32(minute) >= " + start + " AND NOT " + GROUP_DST + " GROUP BY t, host, hour", settings, r -> {
                    HourSample s = HourSample.of(Sql.unmapped(r.getString("host")), r.getLong("hour"));
                    activity(s, r);
                    // As the initiator only: at most what the profile's both-role figure counts, so an upload the host
                    // started is compared with no more than it is.
                    s.values().put(Metric.BYTES_OUT, r.getLong("bytes_out"));
                    out.computeIfAbsent(r.getString("t"), t -> new LinkedHashMap<>()).put(s.host(), s);
                    return s;
                });
        return out;
    }

    private static final String ACTIVITY = "toInt64(uniqExact(resp_addr)) AS peers, toInt64(uniqExact(resp_port, protocol)) AS ports,"
            + " toInt64(uniqExactIf(resp_addr, resp_port, protocol, " + FAILED + ")) AS failed_targets,"
            + " toInt64(sum(flows)) AS attempts, toInt64(sumIf(flows, " + FAILED + ")) AS failed";

    private static HourSample sample(Map<String, Map<Long, HourSample>> out, ClickHouseRow r) {
        String host = Sql.unmapped(r.getString("host"));
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
}
