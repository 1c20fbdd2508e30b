package io.vigil.tenants.internal.rest;

import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;
import io.vigil.tenants.site.Site;

import java.time.Instant;

/**
 * What other Vigil services need of a sensor: whose it is, where it stands, and since when it may be expected to report
 * (detection's offline watch).
 *
 * @param siteId     its site, null when it has none
 * @param siteName   that site's name, null when it has none
 * @param enrolledAt when its enrollment token was redeemed; null while PENDING
 */
public record InternalSensorView(String id, String customerId, String mspId, String siteId, String siteName, String name,
                                 SensorStatus status, Instant createdAt, Instant enrolledAt, Instant revokedAt) {

    public static InternalSensorView of(Sensor s, Site site) {
        return new InternalSensorView(s.id, s.customerId, s.mspId, s.siteId, site == null ? null : site.name, s.name, s.status,
                s.createdAt, s.enrolledAt, s.revokedAt);
    }
}
