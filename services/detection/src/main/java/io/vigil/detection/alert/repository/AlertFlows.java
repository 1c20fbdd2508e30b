package io.vigil.detection.alert.repository;

import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertFlow;
import io.vigil.lib.clickhouse.Sql;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The drill-down: the raw flows behind an alert, from ClickHouse {@code flows}, scoped by the alert's tenant, its
 * sources (a distributed scan's members) and its first/last seen (the table's sort key is tenant, start, orig_addr), to
 * its listed targets, in (start, target, port, source port) order with a keyset cursor. Blocking: call off the event
 * loop.
 */
@ApplicationScoped
public class AlertFlows {

    private final ClickHouseQueries clickhouse;
    private final String db;

    public AlertFlows(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
    }

    public Page<AlertFlow> page(Alert alert, String cursor, int limit) {
        String where = "tenant_id = " + Sql.tenant(alert.customerId)
                + " AND start >= toDateTime(" + alert.firstSeen.getEpochSecond() + ")"
                + " AND start <= toDateTime(" + alert.lastSeen.getEpochSecond() + ")"
                + " AND orig_addr IN (" + sources(alert).stream().map(Sql::address).collect(Collectors.joining(", ")) + ")";
        if (alert.targets.length > 0) {
            where += " AND resp_addr IN (" + java.util.Arrays.stream(alert.targets).map(Sql::address).collect(Collectors.joining(", ")) + ")";
        }
        where += switch (alert.type) {
            case UDP -> " AND protocol = 17";
            case HORIZONTAL, VERTICAL, STEALTH -> " AND protocol = 6";
            case DISTRIBUTED -> " AND " + service(alert.ports[0]);
            default -> "";
        };
        String after = Cursor.decode(cursor);
        if (after != null) {
            where += " AND " + after(after);
        }
        String sql = "SELECT toInt64(start_ms) AS s, toInt64(end_ms) AS e, hex(resp_addr) AS k, " + Sql.addressText("orig_addr") + " AS src, "
                + Sql.addressText("resp_addr") + " AS dst,"
                + " toInt32(orig_port) AS sport, toInt32(resp_port) AS dport, toInt32(protocol) AS proto, toString(conn_state) AS state,"
                + " history, toInt64(orig_packets) AS op, toInt64(orig_bytes) AS ob, toInt64(resp_packets) AS rp, toInt64(resp_bytes) AS rb,"
                + " toInt32(icmp_type) AS it, toInt32(icmp_reply) AS ir, zeek_uid AS zu,"
                + " " + Sql.addressText("exporter_addr") + " AS ex,"
                + " toInt64(sampling_rate) AS sr"
                + " FROM " + db + ".flows WHERE " + where + " ORDER BY s, k, dport, sport LIMIT " + (limit + 1);
        List<String> keys = new ArrayList<>();
        List<AlertFlow> rows = clickhouse.select(sql, r -> {
            keys.add(r.getLong("s") + ":" + r.getString("k") + ":" + r.getInteger("dport") + ":" + r.getInteger("sport"));
            return new AlertFlow(r.getLong("s"), r.getLong("e"), Sql.unmapped(r.getString("src")), r.getInteger("sport"), Sql.unmapped(r.getString("dst")),
                    r.getInteger("dport"), r.getInteger("proto"), r.getString("state"), r.getString("history"), r.getLong("op"),
                    r.getLong("ob"), r.getLong("rp"), r.getLong("rb"), r.getInteger("it"), r.getInteger("ir"),
                    emptyAsNull(r.getString("zu")), exporter(r.getString("ex")), r.getLong("sr"));
        });
        String next = rows.size() > limit ? Cursor.encode(keys.get(limit - 1)) : null;
        return new Page<>(rows.subList(0, Math.min(limit, rows.size())), next);
    }

    private static String emptyAsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The exporter's address, or null for "::" (16 zero bytes: a flow that came through no exporter). */
    private static String exporter(String stored) {
        return stored == null || stored.equals("::") ? null : Sql.unmapped(stored);
    }

    /** The alert's scanning addresses; a row written without them (by hand, or before V22) has its source. */
    private static List<String> sources(Alert alert) {
        return alert.sources == null || alert.sources.length == 0 ? List.of(alert.source) : List.of(alert.sources);
    }

    /** "23/tcp" as a filter on the responder port and protocol (ICMP: the protocol only). */
    static String service(String service) {
        String[] p = service.split("/");
        int proto = switch (p[1]) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "icmp6" -> 58;
            default -> Integer.parseInt(p[1]);
        };
        return "protocol = " + proto + (proto == 1 || proto == 58 ? "" : " AND resp_port = " + Integer.parseInt(p[0]));
    }

    /** (start_ms, resp_addr, resp_port, orig_port) strictly after the cursor's row, as 18.16 SQL. */
    static String after(String key) {
        String[] p = key.split(":");
        if (p.length != 4 || !p[0].matches("\\d{1,19}") || !p[1].matches("[0-9A-F]{32}") || !p[2].matches("\\d{1,5}")
                || !p[3].matches("\\d{1,5}")) {
            throw ProblemException.badRequest("cursor: not a cursor this API returned");
        }
        return "(start_ms > " + p[0] + " OR (start_ms = " + p[0] + " AND (hex(resp_addr) > '" + p[1] + "' OR (hex(resp_addr) = '" + p[1] + "'"
                + " AND (resp_port > " + p[2] + " OR (resp_port = " + p[2] + " AND orig_port > " + p[3] + "))))))";
    }
}
