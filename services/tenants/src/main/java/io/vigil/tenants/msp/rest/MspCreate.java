package io.vigil.tenants.msp.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of POST /msps.
 *
 * @param id the MSP's id, chosen by the platform admin: it becomes the msp_id claim of the MSP's people and clients in
 *           Keycloak, so it is a short slug and never changes
 */
public record MspCreate(
        @NotNull @Size(min = 2, max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "must be lowercase letters, digits and '-'") String id,
        @NotBlank @Size(max = 100) String name) {
}
