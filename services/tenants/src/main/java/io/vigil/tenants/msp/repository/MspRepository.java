package io.vigil.tenants.msp.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Role.Reach;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.msp.Msp;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** MSPs, as far as the caller may see them: its own MSP, or every MSP for platform-admin; a customer's people see none. */
@ApplicationScoped
public class MspRepository implements PanacheRepositoryBase<Msp, String> {

    /** The MSP, or null when it does not exist or the caller may not see it. */
    public Uni<Msp> findVisible(TenantContext ctx, String id) {
        String where = scope(ctx);
        return find("from Msp m where m.id = :id and " + where, params(ctx, where).and("id", id)).firstResult();
    }

    /** Up to {@code limit} visible MSPs with ids after {@code afterId}, in id order. */
    public Uni<List<Msp>> page(TenantContext ctx, String afterId, int limit) {
        String where = scope(ctx);
        Parameters p = params(ctx, where);
        String q = "from Msp m where " + where;
        if (afterId != null) {
            q += " and m.id > :after";
            p.and("after", afterId);
        }
        return find(q + " order by m.id", p).page(0, limit).list();
    }

    /** The MSP row's own restriction: an MSP is its own msp_id, and no customer-level role reaches the MSP itself. */
    private static String scope(TenantContext ctx) {
        Reach reach = ctx.role().reach();
        if (reach == Reach.ALL) {
            return "1 = 1";
        }
        return reach == Reach.MSP && ctx.mspId() != null ? "m.id = :scopeMsp" : "1 = 0";
    }

    private static Parameters params(TenantContext ctx, String where) {
        return where.contains(":scopeMsp") ? Parameters.with("scopeMsp", ctx.mspId()) : new Parameters();
    }
}
