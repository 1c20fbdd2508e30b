package io.vigil.portal.api;

import java.time.Instant;

/** A new sensor and its one-time enrollment token: the only time the token is shown. */
public record Enrollment(Sensor sensor, String enrollmentToken, Instant expiresAt, String enrollUrl) {
}
