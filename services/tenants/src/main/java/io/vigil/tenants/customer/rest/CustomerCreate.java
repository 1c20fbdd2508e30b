package io.vigil.tenants.customer.rest;

import io.vigil.tenants.validation.Cidr;
import io.vigil.tenants.validation.TimeZoneId;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The body of POST /customers.
 *
 * @param mspId                only for platform-admin (required then); an msp-admin's customers always go to its own MSP
 * @param internalNetworks     CIDR blocks, IPv4 or IPv6, host bits zero; default none
 * @param timeZone             IANA id; default UTC
 * @param retentionDays        days of flows kept, 1..3650; default 30
 * @param notificationContacts e-mail addresses for SmartAlerts
 */
public record CustomerCreate(
        @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "must be lowercase letters, digits and '-'") String mspId,
        @NotBlank @Size(max = 100) String name,
        @Size(max = 256) List<@NotNull @Cidr String> internalNetworks,
        @TimeZoneId String timeZone,
        @Min(1) @Max(3650) Integer retentionDays,
        @Size(max = 20) List<@NotNull @Email @Size(max = 254) String> notificationContacts) {
}
