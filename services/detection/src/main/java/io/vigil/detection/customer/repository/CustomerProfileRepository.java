package io.vigil.detection.customer.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

/** Customer profiles: scoped lookups for callers, an unscoped one for the detection cycle (which has no caller). */
@ApplicationScoped
public class CustomerProfileRepository implements PanacheRepositoryBase<CustomerProfile, String> {

    /** The customer, or null when it is unknown or outside the caller's scope. */
    public Uni<CustomerProfile> findVisible(TenantContext ctx, String id) {
        Scope scope = Scope.of(ctx, "c.mspId", "c.id");
        return find("from CustomerProfile c where c.id = :id and " + scope.where(), scope.with(Parameters.with("id", id)))
                .firstResult();
    }
}
