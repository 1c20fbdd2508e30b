package io.vigil.detection.cycle;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.edge.repository.EdgeStore;
import io.vigil.detection.family.Families;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.notify.service.ChangeNotices;
import io.vigil.detection.rule.repository.RuleRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commits what a chunk of tenants' cycle decided, in one PostgreSQL transaction: the alerts (merged by
 * {@link AlertMerge}), the rules' hit counts, the notification deliveries of every alert change, and the per-sensor
 * marks by compare-and-set, with the admin edges the families learned. Either all of it is visible or none: a crash after the commit loses no notification, and
 * a cycle whose marks another cycle moved meanwhile commits nothing ({@link SensorMarks.Conflict}).
 */
@ApplicationScoped
public class AlertWriter {

    private final AlertRepository alerts;
    private final RuleRepository rules;
    private final SensorMarks marks;
    private final ChangeNotices notices;
    private final Families families;
    private final EdgeStore edges;

    public AlertWriter(AlertRepository alerts, RuleRepository rules, SensorMarks marks, ChangeNotices notices,
                       Families families, EdgeStore edges) {
        this.edges = edges;
        this.alerts = alerts;
        this.rules = rules;
        this.marks = marks;
        this.notices = notices;
        this.families = families;
    }

    /**
     * What one write committed.
     *
     * @param changes    the alert changes announced
     * @param deliveries notification deliveries queued for them
     */
    public record Written(List<AlertChanged> changes, int deliveries) {
    }

    /** Writes the tenants' verdicts in one transaction; fails with {@link SensorMarks.Conflict} naming moved tenants. */
    public Uni<Written> write(List<TenantVerdicts> tenants, Instant now) {
        Set<String> customers = new LinkedHashSet<>();
        Set<String> sources = new LinkedHashSet<>();
        Set<String> msps = new LinkedHashSet<>();
        Map<String, Long> hits = new HashMap<>();
        for (TenantVerdicts t : tenants) {
            for (FindingGate.Decision d : t.decisions()) {
                if (d.raised()) {
                    customers.add(t.tenant());
                    sources.add(d.finding().source());
                } else if (d.rule() != null) {
                    hits.merge(d.rule().id, 1L, Long::sum);
                }
            }
            if (t.customer() != null && t.customer().mspId() != null) {
                msps.add(t.customer().mspId());
            }
        }
        return Panache.withTransaction(() -> alerts.findByKeys(customers, sources)
                .map(found -> {
                    Map<AlertMerge.Key, Alert> existing = new HashMap<>();
                    found.forEach(a -> existing.put(AlertMerge.Key.of(a), a));
                    return AlertMerge.apply(existing, tenants, families::of, now);
                })
                .call(merged -> merged.created().isEmpty() ? Uni.createFrom().voidItem()
                        : alerts.persist(merged.created().stream()).replaceWithVoid())
                .call(merged -> rules.recordHits(hits, now))
                .chain(merged -> Panache.getSession().chain(session -> notices.queue(session, merged.changes(), msps, now)
                        .call(queued -> marks.advance(session, tenants.stream().map(TenantVerdicts::batches).toList(), now))
                        .call(queued -> edges.remember(session, learned(tenants)))
                        .map(queued -> new Written(merged.changes(), queued)))));
    }

    private static Map<String, List<AdminEdge>> learned(List<TenantVerdicts> tenants) {
        Map<String, List<AdminEdge>> out = new HashMap<>();
        tenants.forEach(t -> {
            if (!t.learned().isEmpty()) {
                out.put(t.tenant(), t.learned());
            }
        });
        return out;
    }

}
