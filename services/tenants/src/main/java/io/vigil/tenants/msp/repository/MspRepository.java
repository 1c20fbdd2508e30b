package io.vigil.tenants.msp.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.auth.Role;
import io.vigil.tenants.msp.Msp;
import jakarta.enterprise.context.ApplicationScoped;

/** MSPs, as far as the caller may see them: its own MSP, or every MSP for platform-admin. */
@ApplicationScoped
public class MspRepository implements PanacheRepositoryBase<Msp, String> {

    /** The MSP, or null when it does not exist or the caller may not see it (a customer's people do not see their MSP). */
    public Uni<Msp> findVisible(TenantContext ctx, String id) {
        boolean visible = ctx.global()
                || (ctx.role() == Role.MSP_ADMIN || ctx.role() == Role.MSP_ANALYST) && id.equals(ctx.mspId());
        return visible ? findById(id) : Uni.createFrom().nullItem();
    }
}
