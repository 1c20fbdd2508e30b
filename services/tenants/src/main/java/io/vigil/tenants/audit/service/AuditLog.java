package io.vigil.tenants.audit.service;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.audit.AuditEntry;
import io.vigil.tenants.audit.repository.AuditRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Records a mutating call in the caller's transaction, so the change and its audit entry commit or vanish together. */
@ApplicationScoped
public class AuditLog {

    private final AuditRepository audit;

    public AuditLog(AuditRepository audit) {
        this.audit = audit;
    }

    /**
     * @param action a stable verb such as "customer.create"
     * @param target the id of the object acted on
     * @param detail a short human-readable note (never a secret)
     */
    public Uni<Void> record(TenantContext ctx, String action, String mspId, String customerId, String target, String detail) {
        AuditEntry e = new AuditEntry();
        e.at = Instant.now();
        e.actor = ctx.actor();
        e.actorRole = ctx.role().claim();
        e.mspId = mspId;
        e.customerId = customerId;
        e.action = action;
        e.target = target;
        e.sourceIp = ctx.sourceIp();
        e.detail = detail;
        return audit.persist(e).replaceWithVoid();
    }
}
