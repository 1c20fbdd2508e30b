package io.vigil.detection.rule.rest;

import io.vigil.detection.model.AlertType;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.time.Instant;

/**
 * A rule as callers write it (create, or replace with PUT).
 *
 * @param sourceCidr the scanning source(s): "10.1.0.5/32", "10.1.0.5" or an IPv6 prefix
 * @param port       suppressions only: the port every probe must be on; null for any
 * @param type       suppressions only: the scan type; null for any
 * @param expiresAt    when the rule stops applying; required unless {@code permanent}
 * @param reason       why (required: the audit and the next analyst need it)
 * @param permanent    true: no expiry (msp-admin, platform-admin only)
 * @param confirmBroad true: a CIDR broader than /16 (IPv6 /48) is meant (msp-admin, platform-admin only; never broader
 *                     than /8, IPv6 /32)
 */
public record RuleRequest(@NotBlank @Size(max = 64) String sourceCidr,
                          @Min(0) @Max(65535) Integer port,
                          AlertType type,
                          Instant expiresAt,
                          @NotBlank @Size(max = 500) String reason,
                          Boolean permanent,
                          Boolean confirmBroad) {
}
