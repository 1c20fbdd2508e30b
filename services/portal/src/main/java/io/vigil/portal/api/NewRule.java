package io.vigil.portal.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * The body that creates a suppression at detection: source, optionally port and type, expiry (or, for an admin,
 * permanent) and the reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewRule(String sourceCidr, Integer port, String type, Instant expiresAt, String reason, Boolean permanent) {
}
