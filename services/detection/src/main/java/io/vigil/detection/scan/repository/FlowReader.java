package io.vigil.detection.scan.repository;

import io.vigil.lib.clickhouse.ClickHouseRow;
import io.vigil.detection.scan.Attempt;
import io.vigil.detection.scan.ProbeKind;
import io.vigil.detection.scan.SeqRange;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.vigil.lib.clickhouse.Sql.quote;

/**
 * Every ClickHouse query of the detector. Each takes the tenant and puts it first in the WHERE clause, which is also
 * the first column of both tables' sort key. ClickHouse 18.16 has no query parameters, so values are inlined only
 * after checking them against strict patterns (tenant ids are slugs, addresses are IP literals). In cluster mode the
 * reads go through the Distributed tables, and the per-sensor marks and windows are checked against every replica
 * (see DESIGN.md, "A lagging replica").
 */
@ApplicationScoped
public class FlowReader {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /**
     * The initiator's kind of attempt; flags: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32. A lone ACK is an ACK ping
     * whether nobody answered (OTH) or a live host answered with a bare RST, as it must (RSTRH, history "Ar").
     */
    private static final String KIND = """
            multiIf(protocol = 6 AND orig_packets > 0 AND bitAnd(orig_tcp_flags, 22) = 0, 'STEALTH',
                    protocol = 6 AND bitAnd(orig_tcp_flags, 2) != 0, 'SYN',
                    protocol = 6 AND orig_tcp_flags = 16 AND (conn_state = 'OTH' OR (conn_state = 'RSTRH' AND resp_tcp_flags = 4)), 'ACK_PING',
                    protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO',
                    protocol = 17, 'UDP', 'OTHER')""";

    /**
     * A failed attempt: a SYN unanswered (S0), refused (REJ), aborted before an answer (RSTOS0), or only seen
     * half-way (SH); any ICMP error; an unanswered echo or UDP datagram. ACK pings and stealth probes have no
     * legitimate use, so each counts as failed.
     */
    private static final String FAILED = """
            multiIf(kind = 'SYN', conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,
                    kind IN ('ACK_PING', 'STEALTH'), 1,
                    kind = 'ICMP_ECHO', resp_packets = 0 OR icmp_reply != 0,
                    kind = 'UDP', conn_state IN ('S0', 'REJ') OR icmp_reply != 0,
                    0)""";

    /** Answered without data: a half-open SYN scan or a connect scan of an open port; an echo reply. */
    private static final String ANSWERED = """
            multiIf(kind = 'SYN', conn_state IN ('RSTO', 'RSTR', 'SF', 'S1', 'S2', 'S3', 'SHR') AND icmp_reply = 0
                        AND position(history, 'D') = 0 AND position(history, 'd') = 0,
                    kind = 'ICMP_ECHO', resp_packets > 0 AND icmp_reply = 0,
                    0)""";

    /**
     * A Distributed read met a replica that has not yet fetched all of a window's rows: the tenant's cycle fails and
     * its marks stay, so the same batches are judged whole by a later cycle.
     */
    public static final class ReplicaLagging extends RuntimeException {
        ReplicaLagging(String message) {
            super(message);
        }
    }

    private final ClickHouseQueries clickhouse;
    private final String db;
    private final boolean cluster;

    public FlowReader(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
        this.cluster = config.cluster().isPresent();
    }

    /** Tenants with flows received in [from, until): the ones a cycle has work for. */
    public List<String> tenantsWithFlows(Instant from, Instant until) {
        return clickhouse.select("SELECT DISTINCT tenant_id FROM " + db + ".flows WHERE received_at >= toDateTime("
                + from.getEpochSecond() + ") AND received_at < toDateTime(" + until.getEpochSecond() + ")",
                r -> r.getString("tenant_id"));
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
        return selectStoredSeqs("WHERE tenant_id = " + tenant(tenant), activeSince);
    }

    /**
     * In cluster mode, from {@code sensor_batches_local} on every replica that answers, keeping each sensor's highest:
     * a Distributed read may take a replica that has not fetched the newest batches, and a mark read lower than the
     * processed one would look like a ClickHouse reset and have the sensor judged again.
     */
    private List<StoredSeq> selectStoredSeqs(String where, Instant activeSince) {
        String sql = "SELECT tenant_id, sensor_id, toInt64(maxMerge(max_seq)) AS seq FROM " + db
                + (cluster ? ".sensor_batches_local " : ".sensor_batches ") + where + " GROUP BY tenant_id, sensor_id"
                + " HAVING maxMerge(last_received) >= toDateTime(" + activeSince.getEpochSecond() + ")";
        if (!cluster) {
            return clickhouse.select(sql, FlowReader::storedSeq);
        }
        Map<List<String>, StoredSeq> highest = new LinkedHashMap<>();
        for (StoredSeq s : clickhouse.selectOnEach(sql, FlowReader::storedSeq)) {
            highest.merge(List.of(s.tenant(), s.sensor()), s, (a, b) -> a.seq() >= b.seq() ? a : b);
        }
        return List.copyOf(highest.values());
    }

    private static StoredSeq storedSeq(ClickHouseRow r) {
        return new StoredSeq(r.getString("tenant_id"), r.getString("sensor_id"), r.getLong("seq"));
    }

    /**
     * The tenant's attempts in exactly the given batches, one row per (source, target, port, protocol, kind). Windowing
     * by batch rather than by time means a batch stored late (ingest retrying through a ClickHouse outage with its old
     * received_at) is still judged, once. {@code receivedSince} only prunes partitions: older rows are not judged.
     */
    public List<Attempt> window(String tenant, List<SeqRange> batches, Instant receivedSince) {
        if (batches.isEmpty()) {
            return List.of();
        }
        String ranges = batches.stream().map(b -> "(sensor_id = " + quote(b.sensor()) + " AND batch_seq > " + b.after()
                + " AND batch_seq <= " + b.upTo() + ")").collect(Collectors.joining(" OR "));
        String where = " WHERE tenant_id = " + tenant(tenant)
                + " AND received_at >= toDateTime(" + receivedSince.getEpochSecond() + ") AND (" + ranges + ")";
        String sql = "SELECT " + addr("orig_addr") + " AS src, " + addr("resp_addr") + " AS dst,"
                + " toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port, toInt32(protocol) AS proto, " + KIND + " AS kind,"
                + " toInt64(count()) AS n, toInt64(countIf(" + FAILED + ")) AS n_failed, toInt64(countIf(" + ANSWERED + ")) AS n_answered,"
                + " toInt64(min(start_ms)) AS first_ms, toInt64(max(end_ms)) AS last_ms"
                + " FROM " + db + ".flows" + where
                + " GROUP BY src, dst, port, proto, kind";
        List<Attempt> attempts = clickhouse.select(sql, FlowReader::attempt);
        if (cluster) {
            requireWhole(tenant, batches, where, attempts.stream().mapToLong(Attempt::flows).sum());
        }
        return attempts;
    }

    /**
     * Fails with {@link ReplicaLagging} unless the window read through the Distributed table holds as many flows as
     * the most complete replica has in those batches, and some replica has each sensor's newest batch. A replica
     * fetches the flows' parts and the sensor_batches parts independently, so the one a Distributed read took may
     * know a batch's mark without its rows, or miss a batch in the middle of a range.
     */
    private void requireWhole(String tenant, List<SeqRange> batches, String where, long read) {
        record Replica(String sensor, long flows, long newest) {
        }
        List<Replica> replicas = clickhouse.selectOnEach("SELECT sensor_id, toInt64(count()) AS n, toInt64(max(batch_seq)) AS newest"
                + " FROM " + db + ".flows_local" + where + " GROUP BY sensor_id",
                r -> new Replica(r.getString("sensor_id"), r.getLong("n"), r.getLong("newest")));
        Map<String, Long> flows = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        for (Replica r : replicas) {
            flows.merge(r.sensor(), r.flows(), Math::max);
            newest.merge(r.sensor(), r.newest(), Math::max);
        }
        long whole = flows.values().stream().mapToLong(Long::longValue).sum();
        List<SeqRange> unseen = batches.stream().filter(b -> newest.getOrDefault(b.sensor(), -1L) != b.upTo()).toList();
        if (read != whole || !unseen.isEmpty()) {
            throw new ReplicaLagging("tenant " + tenant + ": a replica is still fetching these batches (read " + read
                    + " flows, the most complete replica has " + whole + (unseen.isEmpty() ? "" : "; no replica has yet the"
                    + " last batch of " + unseen) + "); judged once it has them");
        }
    }

    /**
     * The given sources' attempts over [from, until) from the per-minute roll-up, for slow scans. The roll-up has no
     * TCP flags nor history, so every TCP attempt counts as SYN, and an answered one as a success.
     */
    public List<Attempt> history(String tenant, Collection<String> sources, Instant from, Instant until) {
        if (sources.isEmpty()) {
            return List.of();
        }
        String in = sources.stream().map(FlowReader::mappedLiteral).collect(Collectors.joining(", "));
        return rollup(tenant, from, until, "orig_addr IN (" + in + ")");
    }

    /**
     * The attempts over [from, until) from the per-minute roll-up (as {@link #history}) of every source that failed on
     * a service (port, protocol) on which at least {@code minSources} distinct sources failed in that span: the
     * candidates of a distributed scan, with all their attempts so that a scanner on its own can be told apart. The
     * inner GROUP BYs keep the read to those sources, so a busy tenant's ordinary traffic is not fetched.
     */
    public List<Attempt> sharedFailures(String tenant, Instant from, Instant until, int minSources) {
        String failedRow = "((protocol = 6 AND conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH')) OR icmp_reply != 0"
                + " OR (protocol IN (1, 58) AND icmp_type IN (8, 128) AND resp_packets = 0)"
                + " OR (protocol = 17 AND conn_state IN ('S0', 'REJ')))";
        String where = span(tenant, from, until) + " AND " + failedRow;
        String services = "SELECT resp_port, protocol FROM " + db + ".flows_1m WHERE " + where
                + " GROUP BY resp_port, protocol HAVING uniqExact(orig_addr) >= " + minSources;
        return rollup(tenant, from, until, "orig_addr IN (SELECT DISTINCT orig_addr FROM " + db + ".flows_1m WHERE " + where
                + " AND (resp_port, protocol) IN (" + services + "))");
    }

    private List<Attempt> rollup(String tenant, Instant from, Instant until, String filter) {
        String kind = "multiIf(protocol IN (1, 58) AND icmp_type IN (8, 128), 'ICMP_ECHO', protocol = 6, 'SYN', protocol = 17, 'UDP', 'OTHER')";
        String failed = "multiIf(kind = 'SYN', conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,"
                + " kind = 'ICMP_ECHO', resp_packets = 0 OR icmp_reply != 0,"
                + " kind = 'UDP', conn_state IN ('S0', 'REJ') OR icmp_reply != 0, 0)";
        String answered = "kind = 'ICMP_ECHO' AND resp_packets > 0 AND icmp_reply = 0";
        String sql = "SELECT " + addr("orig_addr") + " AS src, " + addr("resp_addr") + " AS dst,"
                + " toInt32(if(protocol IN (1, 58), 0, resp_port)) AS port, toInt32(protocol) AS proto, " + kind + " AS kind,"
                + " toInt64(sum(flows)) AS n, toInt64(sumIf(flows, " + failed + ")) AS n_failed, toInt64(sumIf(flows, " + answered + ")) AS n_answered,"
                + " toInt64(min(minute)) * 1000 AS first_ms, toInt64(max(minute)) * 1000 + 59999 AS last_ms"
                + " FROM " + db + ".flows_1m WHERE " + span(tenant, from, until) + " AND " + filter
                + " GROUP BY src, dst, port, proto, kind";
        return clickhouse.select(sql, FlowReader::attempt);
    }

    private static String span(String tenant, Instant from, Instant until) {
        return "tenant_id = " + tenant(tenant) + " AND minute >= toDateTime(" + from.getEpochSecond() + ")"
                + " AND minute < toDateTime(" + until.getEpochSecond() + ")";
    }

    private static Attempt attempt(ClickHouseRow r) {
        return new Attempt(unmap(r.getString("src")), unmap(r.getString("dst")), r.getInteger("port"), r.getInteger("proto"),
                ProbeKind.valueOf(r.getString("kind")), r.getLong("n"), r.getLong("n_failed"), r.getLong("n_answered"),
                r.getLong("first_ms"), r.getLong("last_ms"));
    }

    private static String addr(String column) {
        return "IPv6NumToString(" + column + ")";
    }

    /** The text form of an address column (IPv4 comes back mapped; see {@link #unmapped}). */
    public static String addrText(String column) {
        return addr(column);
    }

    public static String unmapped(String ip) {
        return unmap(ip);
    }

    /** An address literal as a FixedString(16) value, after checking it is an IP literal. */
    public static String mappedLiteral(String ip) {
        return "IPv6StringToNum('" + mapped(ip(ip)) + "')";
    }

    /** A tenant id as a quoted literal, after checking it is a slug. */
    public static String tenantLiteral(String tenant) {
        return tenant(tenant);
    }

    /** "::ffff:1.2.3.4" → "1.2.3.4": addresses are stored IPv4-mapped. */
    static String unmap(String ip) {
        return ip.startsWith("::ffff:") && ip.indexOf('.') > 0 ? ip.substring(7) : ip;
    }

    static String mapped(String ip) {
        return ip.indexOf(':') < 0 ? "::ffff:" + ip : ip;
    }

    static String tenant(String tenant) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("not a tenant id: " + tenant);
        }
        return "'" + tenant + "'";
    }

    static String ip(String ip) {
        if (!IP.matcher(ip).matches()) {
            throw new IllegalArgumentException("not an IP literal: " + ip);
        }
        return ip;
    }
}
