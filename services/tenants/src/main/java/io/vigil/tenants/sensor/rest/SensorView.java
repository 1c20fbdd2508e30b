package io.vigil.tenants.sensor.rest;

import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;

import java.time.Instant;
import java.util.List;

/** A sensor as the API shows it (never its secret). */
public record SensorView(String id, String customerId, String siteId, String name, SensorStatus status,
                         Instant lastSeen, String version, List<String> interfaces,
                         Instant createdAt, Instant enrolledAt, Instant revokedAt) {

    public static SensorView of(Sensor s) {
        return new SensorView(s.id, s.customerId, s.siteId, s.name, s.status, s.lastSeen, s.version,
                List.of(s.interfaces), s.createdAt, s.enrolledAt, s.revokedAt);
    }
}
