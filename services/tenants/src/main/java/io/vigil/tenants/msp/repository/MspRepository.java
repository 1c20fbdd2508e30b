package io.vigil.tenants.msp.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.msp.Msp;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** MSPs, as far as the caller may see them: its own MSP, or every MSP for platform-admin; a customer's people see none. */
@ApplicationScoped
public class MspRepository implements PanacheRepositoryBase<Msp, String> {

    /** The MSP, or null when it does not exist or the caller may not see it. */
    public Uni<Msp> findVisible(TenantContext ctx, String id) {
        Scope scope = Scope.ofMsp(ctx, "m.id");
        return find("from Msp m where m.id = :id and " + scope.where(), scope.with(Parameters.with("id", id))).firstResult();
    }

    /** Up to {@code limit} visible MSPs with ids after {@code afterId}, in id order. */
    public Uni<List<Msp>> page(TenantContext ctx, String afterId, int limit) {
        Scope scope = Scope.ofMsp(ctx, "m.id");
        Parameters p = new Parameters();
        String q = "from Msp m where " + scope.where();
        if (afterId != null) {
            q += " and m.id > :after";
            p.and("after", afterId);
        }
        return find(q + " order by m.id", scope.with(p)).page(0, limit).list();
    }
}
