package io.vigil.detection.cycle;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-sensor processed batch sequence in PostgreSQL ({@code detection.sensor_marks}). A cycle advances the marks
 * with a compare-and-set in the transaction that records its alerts, so two cycles that read the same marks (a re-run,
 * or two replicas during a shard change) cannot both commit: the second one rolls back with its alerts.
 */
@ApplicationScoped
public class SensorMarks {

    /** Another cycle moved marks this cycle read: its findings for those tenants were already recorded. */
    public static final class Conflict extends RuntimeException {

        private final Set<String> tenants;

        public Conflict(Set<String> tenants) {
            super("marks of " + tenants + " are no longer what this cycle read (another cycle judged these batches)");
            this.tenants = Set.copyOf(tenants);
        }

        /** The tenants whose marks moved. */
        public Set<String> tenants() {
            return tenants;
        }
    }

    private final Pool pool;

    public SensorMarks(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's processed sequence per sensor; a sensor never judged is absent (0). */
    public Uni<Map<String, Long>> of(String tenant) {
        return of(List.of(tenant)).map(m -> m.getOrDefault(tenant, Map.of()));
    }

    /** The processed sequences of every sensor of the given tenants, by tenant, in one query. */
    public Uni<Map<String, Map<String, Long>>> of(Collection<String> tenants) {
        return pool.preparedQuery("SELECT tenant_id, sensor_id, processed_seq FROM detection.sensor_marks WHERE tenant_id = ANY($1)")
                .execute(Tuple.of(tenants.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, Long>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString("tenant_id"), t -> new HashMap<>())
                            .put(r.getString("sensor_id"), r.getLong("processed_seq")));
                    return out;
                });
    }

    /**
     * Moves every range's mark to its {@code upTo} in the caller's transaction, in two statements whatever the number
     * of sensors, failing with {@link Conflict} (naming the tenants) when a mark is no longer what the cycle read: a
     * mark that is absent for a sensor never judged, else {@code after}.
     *
     * @param batches the tenants' ranges, each with the marks the cycle read
     */
    public Uni<Void> advance(Mutiny.Session session, Collection<TenantBatches> batches, Instant now) {
        List<String> moveTenants = new ArrayList<>();
        List<String> moveSensors = new ArrayList<>();
        List<Long> moveFrom = new ArrayList<>();
        List<Long> moveTo = new ArrayList<>();
        List<String> newTenants = new ArrayList<>();
        List<String> newSensors = new ArrayList<>();
        List<Long> newTo = new ArrayList<>();
        for (TenantBatches t : batches) {
            for (SeqRange r : t.ranges()) {
                Long read = t.processed().get(r.sensor());
                if (read == null) {
                    newTenants.add(t.tenant());
                    newSensors.add(r.sensor());
                    newTo.add(r.upTo());
                } else {
                    moveTenants.add(t.tenant());
                    moveSensors.add(r.sensor());
                    moveFrom.add(read);
                    moveTo.add(r.upTo());
                }
            }
        }
        var at = now.atOffset(ZoneOffset.UTC);
        Uni<List<Object[]>> moved = moveTenants.isEmpty() ? Uni.createFrom().item(List.of()) : session.createNativeQuery(
                        "WITH v AS (SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS bigint[]), CAST(?4 AS bigint[]))"
                                + " AS v(tenant_id, sensor_id, from_seq, to_seq)),"
                                + " moved AS (UPDATE detection.sensor_marks m SET processed_seq = v.to_seq, updated_at = ?5 FROM v"
                                + " WHERE m.tenant_id = v.tenant_id AND m.sensor_id = v.sensor_id AND m.processed_seq = v.from_seq"
                                + " RETURNING m.tenant_id, m.sensor_id)"
                                + " SELECT tenant_id, sensor_id FROM moved", Object[].class)
                .setParameter(1, moveTenants.toArray(String[]::new)).setParameter(2, moveSensors.toArray(String[]::new))
                .setParameter(3, moveFrom.toArray(Long[]::new)).setParameter(4, moveTo.toArray(Long[]::new))
                .setParameter(5, at)
                .getResultList();
        Uni<List<Object[]>> inserted = newTenants.isEmpty() ? Uni.createFrom().item(List.of()) : session.createNativeQuery(
                        "WITH ins AS (INSERT INTO detection.sensor_marks (tenant_id, sensor_id, processed_seq, updated_at)"
                                + " SELECT t, s, q, ?4 FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS bigint[])) AS v(t, s, q)"
                                + " ON CONFLICT (tenant_id, sensor_id) DO NOTHING RETURNING tenant_id, sensor_id)"
                                + " SELECT tenant_id, sensor_id FROM ins", Object[].class)
                .setParameter(1, newTenants.toArray(String[]::new)).setParameter(2, newSensors.toArray(String[]::new))
                .setParameter(3, newTo.toArray(Long[]::new)).setParameter(4, at)
                .getResultList();
        return moved.chain(m -> inserted.map(i -> {
            Set<String> done = new HashSet<>();
            m.forEach(r -> done.add(r[0] + "\n" + r[1]));
            i.forEach(r -> done.add(r[0] + "\n" + r[1]));
            Set<String> conflicting = new HashSet<>();
            for (TenantBatches t : batches) {
                for (SeqRange r : t.ranges()) {
                    if (!done.contains(t.tenant() + "\n" + r.sensor())) {
                        conflicting.add(t.tenant());
                    }
                }
            }
            if (!conflicting.isEmpty()) {
                throw new Conflict(conflicting);
            }
            return null;
        })).replaceWithVoid();
    }
}
