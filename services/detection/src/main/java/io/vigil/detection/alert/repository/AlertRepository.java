package io.vigil.detection.alert.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Alerts. Reads for callers go through the caller's Scope; the detection cycle looks alerts up by their natural key. */
@ApplicationScoped
public class AlertRepository implements PanacheRepositoryBase<Alert, String> {

    /** The cycle's lookup (no caller): the one alert of (customer, type, source), or null. */
    public Uni<Alert> findByKey(String customerId, ScanType type, String source) {
        return find("customerId = ?1 and type = ?2 and source = ?3", customerId, type, source).firstResult();
    }

    public Uni<Alert> findVisible(TenantContext ctx, String customerId, String id) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        return find("from Alert a where a.id = :id and a.customerId = :customer and " + scope.where(),
                scope.with(Parameters.with("id", id).and("customer", customerId))).firstResult();
    }

    /** The customer's visible alerts that are not resolved. */
    public Uni<List<Alert>> unresolved(TenantContext ctx, String customerId) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        return find("from Alert a where a.customerId = :customer and a.status <> :resolved and " + scope.where(),
                scope.with(Parameters.with("customer", customerId).and("resolved", AlertStatus.RESOLVED))).list();
    }

    /** Up to {@code limit} visible alerts of a customer older than {@code beforeSeq}, newest first, filtered. */
    public Uni<List<Alert>> page(TenantContext ctx, String customerId, Long beforeSeq, int limit, AlertStatus status,
                                 ScanType type, Scoring.Severity severity, String source) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        StringBuilder q = new StringBuilder("from Alert a where a.customerId = :customer and ").append(scope.where());
        Parameters p = Parameters.with("customer", customerId);
        if (beforeSeq != null) {
            q.append(" and a.seq < :before");
            p.and("before", beforeSeq);
        }
        if (status != null) {
            q.append(" and a.status = :status");
            p.and("status", status);
        }
        if (type != null) {
            q.append(" and a.type = :type");
            p.and("type", type);
        }
        if (severity != null) {
            q.append(" and a.severity = :severity");
            p.and("severity", severity);
        }
        if (source != null) {
            q.append(" and a.source = :source");
            p.and("source", source);
        }
        q.append(" order by a.seq desc");
        return find(q.toString(), scope.with(p)).page(0, limit).list();
    }
}
