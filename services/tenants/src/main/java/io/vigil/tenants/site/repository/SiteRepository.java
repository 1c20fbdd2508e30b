package io.vigil.tenants.site.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.site.Site;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Sites of a customer, restricted to the caller's scope. */
@ApplicationScoped
public class SiteRepository implements PanacheRepositoryBase<Site, String> {

    public Uni<List<Site>> listVisible(TenantContext ctx, String customerId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return find("from Site s where s.customerId = :customer and " + scope.where() + " order by s.id",
                scope.with(Parameters.with("customer", customerId))).list();
    }

    public Uni<Site> findVisible(TenantContext ctx, String customerId, String siteId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return find("from Site s where s.id = :id and s.customerId = :customer and " + scope.where(),
                scope.with(Parameters.with("id", siteId).and("customer", customerId))).firstResult();
    }

    /** The sites of these ids visible to the caller. */
    public Uni<List<Site>> findVisible(TenantContext ctx, java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return find("from Site s where s.id in :ids and " + scope.where(),
                scope.with(Parameters.with("ids", List.copyOf(ids)))).list();
    }
}
