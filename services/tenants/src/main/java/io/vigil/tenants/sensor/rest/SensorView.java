package io.vigil.tenants.sensor.rest;

import io.vigil.tenants.sensor.Heartbeat;
import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;

import java.time.Instant;
import java.util.List;

/**
 * A sensor as the API shows it (never its secret).
 *
 * @param lastSeen   when its latest heartbeat reached ingest; null if never heard from (or heartbeats are unavailable)
 * @param version    the sensor software version of that heartbeat, else null
 * @param interfaces its capture interfaces in that heartbeat, else null
 */
public record SensorView(String id, String customerId, String siteId, String name, SensorStatus status,
                         Instant lastSeen, String version, List<String> interfaces,
                         Instant createdAt, Instant enrolledAt, Instant revokedAt) {

    /** The registry's view; heartbeat fields are added by {@link #with(Heartbeat)}. */
    public static SensorView of(Sensor s) {
        return new SensorView(s.id, s.customerId, s.siteId, s.name, s.status, null, null, null, s.createdAt, s.enrolledAt, s.revokedAt);
    }

    /** This view with the heartbeat's fields, or unchanged for null (never heard from). */
    public SensorView with(Heartbeat h) {
        return h == null ? this : new SensorView(id, customerId, siteId, name, status, h.lastSeen(), h.version(), h.interfaces(),
                createdAt, enrolledAt, revokedAt);
    }
}
