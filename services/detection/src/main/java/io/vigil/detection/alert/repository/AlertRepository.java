package io.vigil.detection.alert.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertFilter;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** Alerts. Reads for callers go through the caller's Scope; the detection cycle looks alerts up by their natural key. */
@ApplicationScoped
public class AlertRepository implements PanacheRepositoryBase<Alert, String> {

    /**
     * The cycle's lookup (no caller): the alerts of these (customer, type, source) keys that exist, in one query over
     * the keys' customers and sources.
     */
    public Uni<List<Alert>> findByKeys(Collection<String> customerIds, Collection<String> sources) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("customerId in ?1 and source in ?2", customerIds, sources).list();
    }

    public Uni<Alert> findVisible(TenantContext ctx, String customerId, String id) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        return find("from Alert a where a.id = :id and a.customerId = :customer and " + scope.where(),
                scope.with(Parameters.with("id", id).and("customer", customerId))).firstResult();
    }

    /** How many unresolved alerts of one customer, type, severity and status. */
    public record OpenCount(String customerId, AlertType type, Severity severity, AlertStatus status, long count) {
    }

    /** The customer's visible unresolved alerts, counted. */
    public Uni<List<OpenCount>> unresolvedCounts(TenantContext ctx, String customerId) {
        return unresolvedCounts(ctx, "a.customerId = :owner", customerId);
    }

    /** The visible unresolved alerts of every customer of the MSP, counted. */
    public Uni<List<OpenCount>> unresolvedCountsOfMsp(TenantContext ctx, String mspId) {
        return unresolvedCounts(ctx, "a.mspId = :owner", mspId);
    }

    private Uni<List<OpenCount>> unresolvedCounts(TenantContext ctx, String owner, String id) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        Parameters params = scope.with(Parameters.with("owner", id).and("resolved", AlertStatus.RESOLVED));
        String hql = "select a.customerId, a.type, a.severity, a.status, count(a) from Alert a where " + owner
                + " and a.status <> :resolved and " + scope.where() + " group by a.customerId, a.type, a.severity, a.status";
        return getSession().chain(s -> {
            var query = s.createSelectionQuery(hql, Object[].class);
            params.map().forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(r -> new OpenCount((String) r[0], (AlertType) r[1], (Severity) r[2],
                (AlertStatus) r[3], (Long) r[4])).toList());
    }

    /**
     * Up to {@code limit} visible alerts of a customer whose latest activity came before {@code beforeActivity}, latest
     * activity first, filtered.
     */
    public Uni<List<Alert>> page(TenantContext ctx, String customerId, Long beforeActivity, int limit, AlertFilter filter) {
        return page(ctx, "a.customerId = :owner", customerId, beforeActivity, limit, filter);
    }

    /** The same across every customer of the MSP. */
    public Uni<List<Alert>> pageOfMsp(TenantContext ctx, String mspId, Long beforeActivity, int limit, AlertFilter filter) {
        return page(ctx, "a.mspId = :owner", mspId, beforeActivity, limit, filter);
    }

    private Uni<List<Alert>> page(TenantContext ctx, String owner, String id, Long beforeActivity, int limit, AlertFilter filter) {
        Scope scope = Scope.of(ctx, "a.mspId", "a.customerId");
        StringBuilder q = new StringBuilder("from Alert a where ").append(owner).append(" and ").append(scope.where());
        Parameters p = Parameters.with("owner", id);
        if (beforeActivity != null) {
            q.append(" and a.activitySeq < :before");
            p.and("before", beforeActivity);
        }
        if (filter.status() != null) {
            q.append(" and a.status = :status");
            p.and("status", filter.status());
        }
        if (filter.family() != null) {
            q.append(" and a.family = :family");
            p.and("family", filter.family());
        }
        if (filter.type() != null) {
            q.append(" and a.type = :type");
            p.and("type", filter.type());
        }
        if (filter.severity() != null) {
            q.append(" and a.severity = :severity");
            p.and("severity", filter.severity());
        }
        if (filter.source() != null) {
            q.append(" and a.source = :source");
            p.and("source", filter.source());
        }
        if (filter.updatedSince() != null) {
            q.append(" and a.updatedAt >= :updatedSince");
            p.and("updatedSince", filter.updatedSince());
        }
        q.append(" order by a.activitySeq desc");
        return find(q.toString(), scope.with(p)).page(0, limit).list();
    }
}
