package io.vigil.detection.audit.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.audit.AuditEntry;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Audit entries, read through the caller's Scope, newest first. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    public Uni<List<AuditEntry>> page(TenantContext ctx, String customerId, Long beforeSeq, int limit) {
        Scope scope = Scope.of(ctx, "e.mspId", "e.customerId");
        Parameters p = Parameters.with("customer", customerId);
        String q = "from AuditEntry e where e.customerId = :customer and " + scope.where();
        if (beforeSeq != null) {
            q += " and e.seq < :before";
            p.and("before", beforeSeq);
        }
        return find(q + " order by e.seq desc", scope.with(p)).page(0, limit).list();
    }
}
