package io.vigil.tenants.audit.rest;

import io.vigil.tenants.audit.AuditEntry;

import java.time.Instant;

/** An audit entry as the API shows it. */
public record AuditView(long id, Instant at, String actor, String actorRole, String mspId, String customerId,
                        String action, String target, String sourceIp, String detail) {

    public static AuditView of(AuditEntry e) {
        return new AuditView(e.id, e.at, e.actor, e.actorRole, e.mspId, e.customerId, e.action, e.target, e.sourceIp, e.detail);
    }
}
