package io.vigil.tenants.sensor.repository;

import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.Sql;
import io.vigil.tenants.sensor.Heartbeat;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The tenants service's one ClickHouse query: each sensor's latest heartbeat from ingest's sensor_status table,
 * always restricted to one customer's tenant_id (the table's first sort-key column). Blocking; callers run it off the
 * event loop.
 */
@ApplicationScoped
public class HeartbeatReader {

    private final ClickHouseQueries clickhouse;
    private final String db;

    public HeartbeatReader(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
    }

    /**
     * The latest heartbeat of each of {@code sensorIds} that has one, by sensor id, read from the rows of
     * {@code customerIds}, which must already be visible to the caller; customers outside the caller's scope are not read.
     */
    public Map<String, Heartbeat> latest(TenantContext ctx, Collection<String> customerIds, Collection<String> sensorIds) {
        List<String> customers = customerIds.stream().filter(c -> Access.mayReachCustomer(ctx, c)).distinct().toList();
        if (sensorIds.isEmpty() || customers.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT sensor_id, toUInt32(max(received_at)) AS last_seen, argMax(version, received_at) AS version,"
                + " argMax(interface_names, received_at) AS interfaces"
                + " FROM " + db + ".sensor_status WHERE tenant_id IN (" + quoted(customers) + ") AND sensor_id IN (" + quoted(sensorIds) + ")"
                + " GROUP BY sensor_id";
        return clickhouse.select(sql, r -> new Heartbeat(r.getString("sensor_id"), Instant.ofEpochSecond(r.getLong("last_seen")),
                        r.getString("version"), List.of(r.getStringArray("interfaces"))))
                .stream().collect(Collectors.toMap(Heartbeat::sensorId, Function.identity()));
    }

    private static String quoted(Collection<String> values) {
        return values.stream().map(Sql::quote).collect(Collectors.joining(", "));
    }
}
