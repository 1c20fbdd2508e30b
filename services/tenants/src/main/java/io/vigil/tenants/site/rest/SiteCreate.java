package io.vigil.tenants.site.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of POST /customers/{id}/sites. */
public record SiteCreate(@NotBlank @Size(max = 100) String name, @Size(max = 500) String address) {
}
