package io.vigil.tenants.audit.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.audit.AuditEntry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The audit log, read per MSP within the caller's scope, newest first. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    public Uni<List<AuditEntry>> page(TenantContext ctx, String mspId, Long beforeId, int limit) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        Parameters p = Parameters.with("msp", mspId);
        String q = "from AuditEntry a where a.mspId = :msp and " + scope.where();
        if (beforeId != null) {
            q += " and a.id < :before";
            p.and("before", beforeId);
        }
        return find(q + " order by a.id desc", scope.with(p)).page(0, limit).list();
    }
}
