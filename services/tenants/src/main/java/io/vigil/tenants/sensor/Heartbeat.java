package io.vigil.tenants.sensor;

import java.time.Instant;
import java.util.List;

/**
 * What a sensor last reported in a heartbeat, which ingest stores in ClickHouse's sensor_status.
 *
 * @param lastSeen   when ingest received the latest heartbeat (second precision)
 * @param interfaces the capture interfaces named in it
 */
public record Heartbeat(String sensorId, Instant lastSeen, String version, List<String> interfaces) {
}
