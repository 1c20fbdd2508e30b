package io.vigil.tenants.customer.rest;

import io.vigil.tenants.customer.CustomerStatus;
import io.vigil.tenants.validation.Cidr;
import io.vigil.tenants.validation.TimeZoneId;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** The body of PATCH /customers/{id}: only the fields present change (a list replaces the whole list). */
public record CustomerPatch(
        @Size(min = 1, max = 100) @jakarta.validation.constraints.Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Size(max = 256) List<@NotNull @Cidr String> internalNetworks,
        @TimeZoneId String timeZone,
        @Min(1) @Max(3650) Integer retentionDays,
        @Size(max = 20) List<@NotNull @Email @Size(max = 254) String> notificationContacts,
        CustomerStatus status) {
}
