package io.vigil.detection.notify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.notify.Destination;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Notification destinations, always read through the caller's Scope and the owner in the path: a customer's (customerId
 * set) or an MSP's MSP-wide ones (customerId null), never one reached through another owner's path.
 */
@ApplicationScoped
public class DestinationRepository implements PanacheRepositoryBase<Destination, String> {

    public Uni<List<Destination>> listVisible(TenantContext ctx, String mspId, String customerId) {
        Scope scope = Scope.of(ctx, "d.mspId", "d.customerId");
        return find("from Destination d where " + owner(customerId) + " and " + scope.where() + " order by d.seq",
                scope.with(owner(mspId, customerId))).list();
    }

    public Uni<Destination> findVisible(TenantContext ctx, String mspId, String customerId, String id) {
        Scope scope = Scope.of(ctx, "d.mspId", "d.customerId");
        return find("from Destination d where d.id = :id and " + owner(customerId) + " and " + scope.where(),
                scope.with(owner(mspId, customerId).and("id", id))).firstResult();
    }

    public Uni<Long> countOwned(String mspId, String customerId) {
        return count("from Destination d where " + owner(customerId), owner(mspId, customerId));
    }

    private static String owner(String customerId) {
        return customerId == null ? "d.mspId = :mspId and d.customerId is null" : "d.mspId = :mspId and d.customerId = :customerId";
    }

    private static Parameters owner(String mspId, String customerId) {
        Parameters p = Parameters.with("mspId", mspId);
        return customerId == null ? p : p.and("customerId", customerId);
    }
}
