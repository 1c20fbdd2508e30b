package io.vigil.detection.alert.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.AlertComment;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Comments, read through the caller's Scope, oldest first. */
@ApplicationScoped
public class AlertCommentRepository implements PanacheRepositoryBase<AlertComment, Long> {

    public Uni<List<AlertComment>> of(TenantContext ctx, String customerId, String alertId) {
        Scope scope = Scope.of(ctx, "c.mspId", "c.customerId");
        return find("from AlertComment c where c.alertId = :alert and c.customerId = :customer and " + scope.where()
                + " order by c.seq", scope.with(Parameters.with("alert", alertId).and("customer", customerId))).list();
    }
}
