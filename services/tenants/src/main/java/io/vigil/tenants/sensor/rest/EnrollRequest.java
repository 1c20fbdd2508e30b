package io.vigil.tenants.sensor.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of POST /sensors/enroll: the one-time token, which is the only credential. */
public record EnrollRequest(@NotBlank @Size(max = 200) String token) {
}
