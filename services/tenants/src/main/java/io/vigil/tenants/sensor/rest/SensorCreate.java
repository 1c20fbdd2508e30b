package io.vigil.tenants.sensor.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The body of POST /customers/{id}/sensors.
 *
 * @param siteId the customer's site the sensor sits at (optional)
 */
public record SensorCreate(@NotBlank @Size(max = 100) String name, @Size(max = 64) String siteId) {
}
