package io.vigil.tenants.sensor.rest;

import java.time.Instant;

/**
 * The answer to POST /customers/{id}/sensors: the only time the enrollment token is shown.
 *
 * @param enrollmentToken give it to the sensor; it redeems it once at {@code enrollUrl} before {@code expiresAt}
 */
public record EnrollmentIssued(SensorView sensor, String enrollmentToken, Instant expiresAt, String enrollUrl) {
}
