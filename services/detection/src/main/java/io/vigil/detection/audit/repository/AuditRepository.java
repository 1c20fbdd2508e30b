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

    /** A customer's entries ({@code customerId} set), or an MSP's own (MSP-wide rules: {@code customerId} null). */
    public Uni<List<AuditEntry>> page(TenantContext ctx, String mspId, String customerId, Long beforeSeq, int limit) {
        Scope scope = Scope.of(ctx, "e.mspId", "e.customerId");
        Parameters p = customerId == null ? Parameters.with("msp", mspId) : Parameters.with("customer", customerId);
        String q = "from AuditEntry e where " + (customerId == null ? "e.customerId is null and e.mspId = :msp" : "e.customerId = :customer")
                + " and " + scope.where();
        if (beforeSeq != null) {
            q += " and e.seq < :before";
            p.and("before", beforeSeq);
        }
        return find(q + " order by e.seq desc", scope.with(p)).page(0, limit).list();
    }
}
