package io.vigil.detection.sensor.repository;

import io.vigil.detection.sensor.SensorKey;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Detection's one read of ingest's {@code sensor_status}: the newest heartbeat of every sensor of every tenant since a
 * horizon, in one grouped query whatever the number of tenants (the table is ordered by tenant, sensor and time, so
 * each sensor's older rows are skipped by the primary key). Blocking.
 */
@ApplicationScoped
public class HeartbeatReader {

    private final ClickHouseQueries clickhouse;
    private final String db;

    public HeartbeatReader(ClickHouseQueries clickhouse, ClickHouseConfig config) {
        this.clickhouse = clickhouse;
        this.db = config.database();
    }

    /** Each sensor's newest {@code received_at} at or after {@code since}; sensors without one are absent. */
    public Map<SensorKey, Instant> newestSince(Instant since) {
        String sql = "SELECT tenant_id, sensor_id, toUInt32(max(received_at)) AS last FROM " + db + ".sensor_status"
                + " WHERE received_at >= toDateTime(" + since.getEpochSecond() + ") GROUP BY tenant_id, sensor_id";
        Map<SensorKey, Instant> out = new HashMap<>();
        clickhouse.select(sql, r -> out.put(new SensorKey(r.getString("tenant_id"), r.getString("sensor_id")),
                Instant.ofEpochSecond(r.getLong("last"))));
        return out;
    }
}
