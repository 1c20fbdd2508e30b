package io.vigil.portal.api;

import java.time.Instant;

/** An entry of the tenants service's audit log (onboarding, sites, sensors). */
public record TenantsAuditEntry(long id, Instant at, String actor, String actorRole, String mspId, String customerId,
                                String action, String target, String sourceIp, String detail) {
}
