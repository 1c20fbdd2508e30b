package io.vigil.detection.cycle;

import io.vigil.detection.clickhouse.FlowSql;
import io.vigil.detection.family.FeatureRequest.DestinationPrevalence;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.ProbeKind;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Transfer;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseRow;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cycle's ClickHouse reads, each one grouped query for every tenant of a chunk: the number of queries a cycle makes
 * does not grow with its tenants, only their literals (tenant ids, batch ranges, sources) and the rows read do. Values
 * are written into the SQL only through {@link Sql}'s checked literals (18.16 has no query parameters). In cluster mode
 * the reads go through the Distributed tables, and the windows are checked against every replica (DESIGN.md, "A
 * lagging replica"); subqueries then read each shard's local table ({@code distributed_product_mode = local}), which
 * is exact because a tenant's rows all live on one shard.
 */
@ApplicationScoped
public class FlowFeatures {

    /** No batch of a sensor outside the chunk passes the range test: its lower bound is the largest UInt64. */
    private static final String NO_BATCH = "18446744073709551615";

    private final ClickHouseQueries clickhouse;
    private final String db;
    private final boolean cluster;
    private final Map<String, String> settings;

    public FlowFeatures(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
        this.cluster = config.cluster().isPresent();
        Map<String, String> s = new LinkedHashMap<>(FlowSql.READ_SETTINGS);
        if (cluster) {
            s.put("distributed_product_mode", "local");
        }
        this.settings = Map.copyOf(s);
    }

    /**
     * The query with a leading comment naming the read ("detection window"), so that ClickHouse's query log and the
     * benchmark tell the cycle's reads apart.
     */
    static String labelled(String read, String sql) {
        return "/* detection " + read + " */ " + sql;
    }

    /** The highest batch sequence ClickHouse stored for one sensor of a tenant. */
    public record StoredSeq(String tenant, String sensor, long seq) {
    }

    /**
     * Every sensor's highest stored batch sequence, from the small {@code sensor_batches} roll-up that the flows' own
     * INSERT feeds: the one query an idle cycle makes. Sensors that sent nothing since {@code activeSince} are left out.
     */
    public List<StoredSeq> storedSeqs(Instant activeSince) {
        return selectStoredSeqs("", activeSince);
    }

    /** One tenant's sensors' highest stored batch sequences (see {@link #storedSeqs(Instant)}). */
    public List<StoredSeq> storedSeqs(String tenant, Instant activeSince) {
        return selectStoredSeqs("WHERE tenant_id = " + Sql.tenant(tenant), activeSince);
    }

    /**
     * In cluster mode, from {@code sensor_batches_local} on every replica that answers, keeping each sensor's highest:
     * a Distributed read may take a replica that has not fetched the newest batches, and a mark read lower than the
     * processed one would look like a ClickHouse reset and have the sensor judged again.
     */
    private List<StoredSeq> selectStoredSeqs(String where, Instant activeSince) {
        String sql = labelled("stored-marks", "SELECT tenant_id, sensor_id, toInt64(maxMerge(max_seq)) AS seq FROM " + db
                + (cluster ? ".sensor_batches_local " : ".sensor_batches ") + where + " GROUP BY tenant_id, sensor_id"
                + " HAVING maxMerge(last_received) >= toDateTime(" + activeSince.getEpochSecond() + ")");
        if (!cluster) {
            return clickhouse.select(sql, FlowFeatures::storedSeq);
        }
        Map<List<String>, StoredSeq> highest = new LinkedHashMap<>();
        for (StoredSeq s : clickhouse.selectOnEach(sql, FlowFeatures::storedSeq)) {
            highest.merge(List.of(s.tenant(), s.sensor()), s, (a, b) -> a.seq() >= b.seq() ? a : b);
        }
        return List.copyOf(highest.values());
    }

    private static StoredSeq storedSeq(ClickHouseRow r) {
        return new StoredSeq(r.getString("tenant_id"), r.getString("sensor_id"), r.getLong("seq"));
    }

    /**
     * What a window read found.
     *
     * @param attempts the attempts of each tenant's probing sources in exactly its new batches
     * @param sessions each tenant's TCP sessions with the asked services in its new batches, every source's
     * @param transfers each tenant's transfers in its new batches, of the sources that sent at least the asked bytes
     * @param flows    every flow read per tenant, probing or not
     * @param lagging  tenants a replica has not caught up on yet, with the reason: not judged this cycle
     */
    public record Window(Map<String, List<Attempt>> attempts, Map<String, List<Session>> sessions,
                         Map<String, List<Transfer>> transfers, Map<String, Long> flows, Map<String, String> lagging) {
    }

    /**
     * The tenants' attempts in exactly their new batches, one row per (tenant, source, target, port, protocol, kind),
     * for the sources with a failed or answered attempt there, and every source's TCP sessions with {@code sessionPorts}
     * (the services a family judges connections of, such as admin logins), and the transfers of every source that sent
     * at least {@code transferFloor} bytes (uploads): the other sessions have nothing a family judges, so they are folded
     * into one row per tenant (which only counts them). Windowing by batch rather than by
     * time means a batch stored late (ingest retrying through a ClickHouse outage with its old received_at) is still
     * judged, once. {@code receivedSince} only prunes partitions: older rows are not judged.
     */
    public Window window(List<TenantBatches> chunk, Instant receivedSince, Set<Integer> sessionPorts, long transferFloor) {
        if (chunk.isEmpty()) {
            return new Window(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
        }
        String where = windowWhere(chunk, receivedSince);
        // One pass over the window finds both kinds of source a family reads in detail: those with a failed or answered
        // attempt (probing) and those that sent at least transferFloor bytes (uploading). Joined back by (tenant,
        // source), the flags cost a hash lookup per flow where two IN-subqueries each read the window again.
        String kind = "(" + FlowSql.KIND + ")";
        String uploading = transferFloor == Long.MAX_VALUE ? "0" : "sum(orig_bytes) >= " + transferFloor;
        String sources = "SELECT tenant_id, orig_addr, toUInt8(max(" + FlowSql.failed(kind) + " OR " + FlowSql.answered(kind)
                + ")) AS p, toUInt8(" + uploading + ") AS u FROM " + db + ".flows WHERE " + where
                + " GROUP BY tenant_id, orig_addr HAVING p OR u";
        String session = sessionPorts.isEmpty() ? "0" : "protocol = 6 AND resp_port IN ("
                + sessionPorts.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        String sql = labelled("window", "SELECT tenant_id AS t, p, " + session + " AS a, u,"
                + " p OR a OR u AS kept,"
                + " if(kept, " + Sql.addressText("orig_addr") + ", '') AS src, if(kept, " + Sql.addressText("resp_addr") + ", '') AS dst,"
                + " if(kept, toInt32(if(protocol IN (1, 58), 0, resp_port)), 0) AS port, if(kept, toInt32(protocol), 0) AS proto,"
                + " if(kept, " + FlowSql.KIND + ", 'OTHER') AS kind,"
                + " toInt64(count()) AS n, toInt64(countIf(" + FlowSql.failed("kind") + ")) AS n_failed,"
                + " toInt64(countIf(" + FlowSql.answered("kind") + ")) AS n_answered,"
                + " toInt64(countIf(" + FlowSql.RESPONDER_DATA + ")) AS n_data, toInt64(sum(orig_bytes)) AS ob,"
                + " toInt64(sum(resp_bytes)) AS rb,"
                + " toInt64(sum(orig_packets + resp_packets)) AS pk,"
                + " toInt64(min(start_ms)) AS first_ms, toInt64(max(end_ms)) AS last_ms"
                + " FROM " + db + ".flows ANY LEFT JOIN (" + sources + ") USING (tenant_id, orig_addr) WHERE " + where
                + " GROUP BY t, p, a, u, kept, src, dst, port, proto, kind");
        Map<String, List<Attempt>> attempts = new HashMap<>();
        Map<String, Map<List<Object>, Session>> sessions = new HashMap<>();
        Map<String, Map<List<Object>, Transfer>> transfers = new HashMap<>();
        Map<String, Long> flows = new HashMap<>();
        Interner names = new Interner();
        clickhouse.forEach(sql, settings, r -> {
            String tenant = names.of(r.getString("t"));
            flows.merge(tenant, r.getLong("n"), Long::sum);
            if (r.getLong("p") != 0) {
                attempts.computeIfAbsent(tenant, t -> new ArrayList<>()).add(attempt(r, names));
            }
            if (r.getLong("a") != 0) {
                Session s = new Session(names.of(Sql.unmapped(r.getString("src"))), names.of(Sql.unmapped(r.getString("dst"))),
                        r.getInteger("port"), r.getLong("n"), r.getLong("n_data"), r.getLong("ob"), r.getLong("pk"),
                        r.getLong("first_ms"), r.getLong("last_ms"));
                // One session per (source, host, port): the rows of its flows' several kinds add up.
                sessions.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).merge(List.of(s.source(), s.host(), s.port()), s,
                        FlowFeatures::plus);
            }
            if (r.getLong("u") != 0) {
                Transfer x = new Transfer(names.of(Sql.unmapped(r.getString("src"))), names.of(Sql.unmapped(r.getString("dst"))),
                        r.getInteger("port"), r.getInteger("proto"), r.getLong("ob"), r.getLong("rb"), true, r.getLong("first_ms"),
                        r.getLong("last_ms"));
                transfers.computeIfAbsent(tenant, t -> new LinkedHashMap<>())
                        .merge(List.of(x.source(), x.host(), x.port(), x.protocol()), x, FlowFeatures::plus);
            }
        });
        Map<String, List<Session>> bySession = new HashMap<>();
        sessions.forEach((t, m) -> bySession.put(t, List.copyOf(m.values())));
        Map<String, List<Transfer>> byTransfer = new HashMap<>();
        transfers.forEach((t, m) -> byTransfer.put(t, List.copyOf(m.values())));
        Map<String, String> lagging = cluster ? lagging(chunk, where, flows) : Map.of();
        return new Window(attempts, bySession, byTransfer, flows, lagging);
    }

    private static Transfer plus(Transfer a, Transfer b) {
        return new Transfer(a.source(), a.host(), a.port(), a.protocol(), a.bytesOut() + b.bytesOut(), a.bytesIn() + b.bytesIn(),
                a.recent(), Math.min(a.firstMs(), b.firstMs()), Math.max(a.lastMs(), b.lastMs()));
    }

    /**
     * The given sources' transfers as initiators over [end − horizon, end + skew) from the per-minute roll-up keyed by
     * source ({@code source_flows_1m}: its index finds the sources' rows, where {@code flows_1m}, sorted by minute first,
     * would be read whole over the span), one per (tenant, source, host, port, protocol) and part: since end − recent,
     * and before. Only the sources that sent at least {@code minBytesOut} over the span, to anyone, have rows: the others
     * cost one small sum each, not their every destination and minute. One query whatever the tenants.
     */
    public Map<String, List<Transfer>> transferHistory(Map<String, Set<String>> sources, Duration horizon, Duration recent,
                                                       long minBytesOut, Instant end, Duration skew) {
        Map<String, Set<String>> asked = nonEmpty(sources);
        if (asked.isEmpty()) {
            return Map.of();
        }
        String span = span(asked.keySet(), end.minus(horizon), end.plus(skew));
        String ofAsked = "(tenant_id, orig_addr) IN (" + pairs(asked) + ")";
        String sending = minBytesOut <= 0 ? ofAsked : "(tenant_id, orig_addr) IN (SELECT tenant_id, orig_addr FROM " + db
                + ".source_flows_1m WHERE " + span + " AND " + ofAsked + " GROUP BY tenant_id, orig_addr HAVING sum(bytes_out) >= "
                + minBytesOut + ")";
        String sql = labelled("transfer-history", "SELECT tenant_id AS t, " + Sql.addressText("orig_addr") + " AS src, "
                + Sql.addressText("resp_addr") + " AS dst, toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port,"
                + " toInt32(protocol) AS proto, minute >= toDateTime(" + end.minus(recent).getEpochSecond() + ") AS recent,"
                + " toInt64(sum(bytes_out)) AS ob, toInt64(sum(bytes_in)) AS rb,"
                + " toInt64(min(minute)) * 1000 AS first_ms, toInt64(max(minute)) * 1000 + 59999 AS last_ms,"
                // "ms:bytes,…" of the recent part's minutes, for the uploads' time chart.
                + " if(recent, arrayStringConcat(arrayMap((m, b) -> concat(toString(m), ':', toString(b)),"
                + " (sumMap([toInt64(minute) * 1000], [bytes_out]) AS by_minute).1, by_minute.2), ','), '') AS minutes"
                + " FROM " + db + ".source_flows_1m WHERE " + span + " AND " + sending
                + " GROUP BY t, src, dst, port, proto, recent");
        Map<String, List<Transfer>> out = new HashMap<>();
        Interner names = new Interner();
        clickhouse.forEach(sql, settings, r -> out.computeIfAbsent(names.of(r.getString("t")), t -> new ArrayList<>())
                .add(new Transfer(names.of(Sql.unmapped(r.getString("src"))), names.of(Sql.unmapped(r.getString("dst"))),
                        r.getInteger("port"), r.getInteger("proto"), r.getLong("ob"), r.getLong("rb"), r.getLong("recent") != 0,
                        r.getLong("first_ms"), r.getLong("last_ms"), byMinute(r.getString("minutes")))));
        return out;
    }

    /** "ms:bytes,…" as a map; empty for "". */
    static Map<Long, Long> byMinute(String text) {
        Map<Long, Long> out = new HashMap<>();
        for (String pair : text.isEmpty() ? new String[0] : text.split(",")) {
            int colon = pair.indexOf(':');
            out.merge(Long.parseLong(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)), Long::sum);
        }
        return out;
    }

    /**
     * For each tenant, how many of its internal hosts (inside its {@code networks}) initiated to each asked address over
     * [end − horizon, end + skew) of the per-minute roll-up and their first minute, and how many internal hosts initiated
     * anything there. Two queries whatever the number of tenants.
     */
    public Map<String, DestinationPrevalence.Answer> prevalence(Map<String, Set<String>> addresses, Map<String, Networks> networks,
                                                                Duration horizon, Instant end, Duration skew) {
        Map<String, Set<String>> asked = nonEmpty(addresses);
        if (asked.isEmpty()) {
            return Map.of();
        }
        String internal = asked.keySet().stream().map(t -> "(tenant_id = " + Sql.tenant(t) + " AND "
                + FlowSql.inside("orig_addr", networks.getOrDefault(t, Networks.NONE)) + ")").collect(Collectors.joining(" OR "));
        String where = span(asked.keySet(), end.minus(horizon), end.plus(skew)) + " AND (" + internal + ")";
        Map<String, Integer> active = new HashMap<>();
        clickhouse.forEach(labelled("prevalence.hosts", "SELECT tenant_id AS t, toInt64(uniqExact(orig_addr)) AS hosts FROM " + db
                + ".flows_1m WHERE " + where + " GROUP BY t"), settings, r -> active.put(r.getString("t"), r.getInteger("hosts")));
        Map<String, Map<String, DestinationPrevalence.Seen>> seen = new HashMap<>();
        String pairs = pairs(asked);
        clickhouse.forEach(labelled("prevalence.destinations", "SELECT tenant_id AS t, " + Sql.addressText("resp_addr") + " AS dst,"
                        + " toInt64(uniqExact(orig_addr)) AS hosts, toInt64(min(minute)) * 1000 AS first_ms FROM " + db + ".flows_1m"
                        + " WHERE " + where + " AND (tenant_id, resp_addr) IN (" + pairs + ") GROUP BY t, dst"), settings,
                r -> seen.computeIfAbsent(r.getString("t"), t -> new HashMap<>()).put(Sql.unmapped(r.getString("dst")),
                        new DestinationPrevalence.Seen(r.getInteger("hosts"), r.getLong("first_ms"))));
        Map<String, DestinationPrevalence.Answer> out = new HashMap<>();
        asked.keySet().forEach(t -> out.put(t, new DestinationPrevalence.Answer(active.getOrDefault(t, 0), seen.getOrDefault(t, Map.of()))));
        return out;
    }

    private static Session plus(Session a, Session b) {
        return new Session(a.source(), a.host(), a.port(), a.flows() + b.flows(), a.withData() + b.withData(),
                a.origBytes() + b.origBytes(), a.packets() + b.packets(), Math.min(a.firstMs(), b.firstMs()),
                Math.max(a.lastMs(), b.lastMs()));
    }

    /**
     * The given sources' TCP sessions with {@code ports} over [end − horizon, end + skew) from the per-minute roll-up
     * keyed by source ({@code source_flows_1m}, whose flows with responder data are judged per flow, by the bytes rule
     * of {@link FlowSql#ROLLUP_RESPONDER_DATA}), one per (tenant, source, host, port, minute), by tenant. One query
     * whatever the number of tenants.
     */
    public Map<String, List<Session>> sessionHistory(Map<String, Set<String>> sources, Set<Integer> ports, Duration horizon,
                                                     Instant end, Duration skew) {
        Map<String, Set<String>> asked = nonEmpty(sources);
        if (asked.isEmpty() || ports.isEmpty()) {
            return Map.of();
        }
        String sql = labelled("session-history", "SELECT tenant_id AS t, " + Sql.addressText("orig_addr") + " AS src, "
                + Sql.addressText("resp_addr") + " AS dst, toInt32(resp_port) AS port, toInt64(minute) * 1000 AS first_ms,"
                + " toInt64(sum(flows)) AS n, toInt64(sum(data_flows)) AS n_data,"
                + " toInt64(sum(bytes_out)) AS ob, toInt64(sum(packets)) AS pk"
                // The service first, from its two narrow columns: the rows of other services (nearly all) are dropped
                // before their addresses and counters are read; the asked sources' set (pairs) lets the index skip
                // every other source's marks.
                + " FROM " + db + ".source_flows_1m PREWHERE protocol = 6 AND resp_port IN ("
                + ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ")) + ")"
                + " WHERE " + span(asked.keySet(), end.minus(horizon), end.plus(skew)) + " AND (tenant_id, orig_addr) IN ("
                + pairs(asked) + ")"
                + " GROUP BY t, src, dst, port, first_ms");
        Map<String, List<Session>> out = new HashMap<>();
        Interner names = new Interner();
        clickhouse.forEach(sql, settings, r -> out.computeIfAbsent(names.of(r.getString("t")), t -> new ArrayList<>())
                .add(new Session(names.of(Sql.unmapped(r.getString("src"))), names.of(Sql.unmapped(r.getString("dst"))),
                        r.getInteger("port"), r.getLong("n"), r.getLong("n_data"), r.getLong("ob"), r.getLong("pk"),
                        r.getLong("first_ms"), r.getLong("first_ms") + 59_999)));
        return out;
    }

    /** {@code tenant_id IN (…)}, the partitions, and each sensor's range: (after, upTo] of batch_seq. */
    private static String windowWhere(List<TenantBatches> chunk, Instant receivedSince) {
        StringBuilder keys = new StringBuilder();
        StringBuilder after = new StringBuilder();
        StringBuilder upTo = new StringBuilder();
        StringBuilder tenants = new StringBuilder();
        for (TenantBatches t : chunk) {
            tenants.append(tenants.isEmpty() ? "" : ", ").append(Sql.tenant(t.tenant()));
            for (SeqRange r : t.ranges()) {
                String sep = keys.isEmpty() ? "" : ", ";
                keys.append(sep).append(Sql.quote(t.tenant() + "/" + r.sensor()));
                after.append(sep).append(r.after());
                upTo.append(sep).append(r.upTo());
            }
        }
        String key = "concat(tenant_id, '/', sensor_id)";
        return "tenant_id IN (" + tenants + ") AND received_at >= toDateTime(" + receivedSince.getEpochSecond() + ")"
                + " AND batch_seq > transform(" + key + ", [" + keys + "], [" + after + "], " + NO_BATCH + ")"
                + " AND batch_seq <= transform(" + key + ", [" + keys + "], [" + upTo + "], 0)";
    }

    /**
     * The tenants whose window read through the Distributed table holds fewer flows than the most complete replica
     * has in those batches, or whose sensors' newest batch no replica has yet. A replica fetches the flows' parts and
     * the sensor_batches parts independently, so the one a Distributed read took may know a batch's mark without its
     * rows, or miss a batch in the middle of a range. One count per node, grouped by tenant and sensor.
     */
    private Map<String, String> lagging(List<TenantBatches> chunk, String where, Map<String, Long> read) {
        record Replica(String tenant, String sensor, long flows, long newest) {
        }
        List<Replica> replicas = clickhouse.selectOnEach(labelled("replica-check", "SELECT tenant_id, sensor_id, toInt64(count()) AS n,"
                        + " toInt64(max(batch_seq)) AS newest FROM " + db + ".flows_local WHERE " + where + " GROUP BY tenant_id, sensor_id"),
                settings, r -> new Replica(r.getString("tenant_id"), r.getString("sensor_id"), r.getLong("n"), r.getLong("newest")));
        Map<List<String>, Long> flows = new HashMap<>();
        Map<List<String>, Long> newest = new HashMap<>();
        for (Replica r : replicas) {
            flows.merge(List.of(r.tenant(), r.sensor()), r.flows(), Math::max);
            newest.merge(List.of(r.tenant(), r.sensor()), r.newest(), Math::max);
        }
        Map<String, String> out = new HashMap<>();
        for (TenantBatches t : chunk) {
            long whole = t.ranges().stream().mapToLong(r -> flows.getOrDefault(List.of(t.tenant(), r.sensor()), 0L)).sum();
            long got = read.getOrDefault(t.tenant(), 0L);
            List<SeqRange> unseen = t.ranges().stream()
                    .filter(r -> newest.getOrDefault(List.of(t.tenant(), r.sensor()), -1L) != r.upTo()).toList();
            if (got != whole || !unseen.isEmpty()) {
                out.put(t.tenant(), "a replica is still fetching these batches (read " + got + " flows, the most complete replica has "
                        + whole + (unseen.isEmpty() ? "" : "; no replica has yet the last batch of " + unseen) + "); judged once it has them");
            }
        }
        return out;
    }

    /**
     * The given sources' attempts over [end − horizon, end + skew) from the per-minute roll-up, for those with at least
     * {@code minFailedTargets} distinct failed targets there, by tenant. The roll-up has no TCP flags nor history, so
     * every TCP attempt counts as SYN, and an answered one as a success. Two queries: the sources that pass, from the
     * small per-hour roll-up of failed targets ({@code failed_targets_1h}; its hours cover the horizon, a little more at
     * its start, so no source that passes is missed), then their attempts from {@code flows_1m}, read only for the
     * tenants that have one. Ordinary hosts with a failure or two cost no read of the per-minute roll-up.
     */
    public Map<String, List<Attempt>> sourceHistory(Map<String, Set<String>> sources, Duration horizon, int minFailedTargets,
                                                    Instant end, Duration skew) {
        Map<String, Set<String>> asked = nonEmpty(sources);
        if (asked.isEmpty()) {
            return Map.of();
        }
        Instant from = end.minus(horizon);
        Instant until = end.plus(skew);
        Map<String, Set<String>> candidates = new LinkedHashMap<>();
        clickhouse.forEach(labelled("source-history.candidates", "SELECT tenant_id AS t, " + Sql.addressText("orig_addr")
                + " AS src FROM " + db + ".failed_targets_1h"
                + " WHERE " + tenants(asked.keySet()) + " AND hour >= toDateTime(" + from.getEpochSecond() / 3600 * 3600 + ")"
                + " AND hour < toDateTime(" + until.getEpochSecond() + ") AND (tenant_id, orig_addr) IN (" + pairs(asked) + ")"
                + " GROUP BY tenant_id, orig_addr HAVING uniqMerge(targets) >= " + minFailedTargets), settings,
                r -> candidates.computeIfAbsent(r.getString("t"), t -> new LinkedHashSet<>()).add(Sql.unmapped(r.getString("src"))));
        if (candidates.isEmpty()) {
            return Map.of();
        }
        return rollup("source-history.attempts", span(candidates.keySet(), from, until),
                "(tenant_id, orig_addr) IN (" + pairs(candidates) + ")");
    }

    /** The tenants that asked for at least one source. */
    private static Map<String, Set<String>> nonEmpty(Map<String, Set<String>> sources) {
        Map<String, Set<String>> asked = new LinkedHashMap<>();
        sources.forEach((t, s) -> {
            if (!s.isEmpty()) {
                asked.put(t, s);
            }
        });
        return asked;
    }

    /**
     * A subquery of every (tenant, address), for {@code (tenant_id, <address column>) IN (…)}: two array literals zipped
     * by ARRAY JOIN. Each array is one literal, cheap to parse at any length, where as many tuple literals cost ClickHouse
     * 0.2 s to parse for 6,000; and a set from a subquery is still used by the primary key's index, which a text key
     * (concat of tenant and hex) is not: the tables keyed by source then read only the asked sources' marks.
     */
    private static String pairs(Map<String, Set<String>> addresses) {
        StringBuilder tenants = new StringBuilder();
        StringBuilder hex = new StringBuilder();
        addresses.forEach((t, set) -> set.forEach(a -> {
            String sep = tenants.isEmpty() ? "" : ", ";
            tenants.append(sep).append(Sql.tenant(t));
            hex.append(sep).append('\'').append(Sql.addressHex(a)).append('\'');
        }));
        return "SELECT asked_tenant, toFixedString(unhex(asked_hex), 16) FROM system.one ARRAY JOIN [" + tenants
                + "] AS asked_tenant, [" + hex + "] AS asked_hex";
    }

    /**
     * For each tenant, the attempts over [end − window, end + skew) from the per-minute roll-up (as {@link #sourceHistory})
     * of every source that failed on a service (port, protocol) on which at least {@code minSources} distinct sources
     * failed, on at least {@code minTargets} distinct hosts: the candidates of a distributed scan, with all their attempts
     * so that a scanner on its own can be told apart. Two queries: the candidates (the failed rows, a few percent, are
     * found from narrow columns first: PREWHERE), then their attempts, read only for the tenants that have one; a busy
     * tenant's ordinary traffic, and thirty clients failing on one dead server, cost no second read.
     */
    public Map<String, List<Attempt>> sharedFailures(Collection<String> tenants, Duration window, int minSources, int minTargets,
                                                     Instant end, Duration skew) {
        if (tenants.isEmpty()) {
            return Map.of();
        }
        String span = span(tenants, end.minus(window), end.plus(skew));
        String failed = " PREWHERE " + FlowSql.ROLLUP_FAILED + " WHERE " + span;
        String services = "SELECT tenant_id, resp_port, protocol FROM " + db + ".flows_1m" + failed
                + " GROUP BY tenant_id, resp_port, protocol HAVING uniqExact(orig_addr) >= " + minSources
                + " AND uniqExact(resp_addr) >= " + minTargets;
        Map<String, Set<String>> candidates = new LinkedHashMap<>();
        clickhouse.forEach(labelled("shared-failures.candidates", "SELECT DISTINCT tenant_id AS t, " + Sql.addressText("orig_addr")
                        + " AS src FROM " + db + ".flows_1m" + failed + " AND (tenant_id, resp_port, protocol) IN (" + services + ")"), settings,
                r -> candidates.computeIfAbsent(r.getString("t"), t -> new LinkedHashSet<>()).add(Sql.unmapped(r.getString("src"))));
        if (candidates.isEmpty()) {
            return Map.of();
        }
        return rollup("shared-failures.attempts", span(candidates.keySet(), end.minus(window), end.plus(skew)),
                "(tenant_id, orig_addr) IN (" + pairs(candidates) + ")");
    }

    private Map<String, List<Attempt>> rollup(String read, String span, String filter) {
        String kind = FlowSql.ROLLUP_KIND;
        String sql = labelled(read, "SELECT tenant_id AS t, " + Sql.addressText("orig_addr") + " AS src, " + Sql.addressText("resp_addr") + " AS dst,"
                + " toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port, toInt32(protocol) AS proto, " + kind + " AS kind,"
                + " toInt64(sum(flows)) AS n, toInt64(sumIf(flows, " + FlowSql.failed("kind") + ")) AS n_failed,"
                + " toInt64(sumIf(flows, " + FlowSql.rollupAnswered("kind") + ")) AS n_answered,"
                + " toInt64(min(minute)) * 1000 AS first_ms, toInt64(max(minute)) * 1000 + 59999 AS last_ms"
                + " FROM " + db + ".flows_1m WHERE " + span + " AND " + filter
                + " GROUP BY t, src, dst, port, proto, kind");
        Map<String, List<Attempt>> out = new HashMap<>();
        Interner names = new Interner();
        clickhouse.forEach(sql, settings, r -> out.computeIfAbsent(names.of(r.getString("t")), t -> new ArrayList<>()).add(attempt(r, names)));
        return out;
    }

    private static String span(Collection<String> tenants, Instant from, Instant until) {
        return tenants(tenants) + " AND minute >= toDateTime(" + from.getEpochSecond() + ") AND minute < toDateTime("
                + until.getEpochSecond() + ")";
    }

    private static String tenants(Collection<String> tenants) {
        return "tenant_id IN (" + tenants.stream().map(Sql::tenant).collect(Collectors.joining(", ")) + ")";
    }

    private static Attempt attempt(ClickHouseRow r, Interner names) {
        return new Attempt(names.of(Sql.unmapped(r.getString("src"))), names.of(Sql.unmapped(r.getString("dst"))),
                r.getInteger("port"), r.getInteger("proto"), ProbeKind.valueOf(r.getString("kind")), r.getLong("n"),
                r.getLong("n_failed"), r.getLong("n_answered"), r.getLong("first_ms"), r.getLong("last_ms"));
    }

    /** One String per distinct address or tenant of an answer: a source's address repeats in each of its attempts. */
    private static final class Interner {
        private final Map<String, String> seen = new HashMap<>();

        String of(String s) {
            return seen.computeIfAbsent(s, k -> k);
        }
    }
}
