package io.vigil.portal.audit;

import io.vigil.portal.api.DetectionAuditEntry;
import io.vigil.portal.api.TenantsAuditEntry;

import java.time.Instant;

/** One audit entry from either service, in one shape, so the log reads as one timeline. */
public record AuditRow(Instant at, String service, String actor, String action, String target, String customerId,
                       String detail) {

    static AuditRow of(TenantsAuditEntry e) {
        return new AuditRow(e.at(), "tenants", e.actor(), e.action(), e.target(), e.customerId(), e.detail());
    }

    static AuditRow of(DetectionAuditEntry e) {
        return new AuditRow(e.at(), "detection", e.actor(), e.action(), e.target(), e.customerId(),
                e.details() == null || e.details().isEmpty() ? "" : e.details().toString());
    }
}
