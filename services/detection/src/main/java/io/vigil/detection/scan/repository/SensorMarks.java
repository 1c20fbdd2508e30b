package io.vigil.detection.scan.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.scan.SeqRange;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-sensor processed batch sequence in PostgreSQL ({@code detection.sensor_marks}). A cycle advances the marks
 * with a compare-and-set in the transaction that records its alerts, so two cycles that read the same marks (a re-run,
 * or two replicas during a shard change) cannot both commit: the second one rolls back with its alerts.
 */
@ApplicationScoped
public class SensorMarks {

    /** Another cycle moved a mark this cycle read: its findings were already recorded, so this cycle's are dropped. */
    public static final class Conflict extends RuntimeException {
        public Conflict(String tenant, String sensor, Long read) {
            super("tenant " + tenant + " sensor " + sensor + ": mark is no longer " + (read == null ? "absent" : read)
                    + " (another cycle judged these batches)");
        }
    }

    private final Pool pool;

    public SensorMarks(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's processed sequence per sensor; a sensor never judged is absent (0). */
    public Uni<Map<String, Long>> of(String tenant) {
        return pool.preparedQuery("SELECT sensor_id, processed_seq FROM detection.sensor_marks WHERE tenant_id = $1")
                .execute(Tuple.of(tenant))
                .map(rows -> {
                    Map<String, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getString("sensor_id"), r.getLong("processed_seq")));
                    return out;
                });
    }

    /**
     * Moves each range's mark to {@code upTo} in the caller's transaction, failing with {@link Conflict} when a mark is
     * no longer what this cycle read ({@code read}: absent for a sensor never judged).
     */
    public Uni<Void> advance(Mutiny.Session session, String tenant, List<SeqRange> ranges, Map<String, Long> read, Instant now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SeqRange r : ranges) {
            Long expected = read.get(r.sensor());
            chain = chain.chain(x -> (expected == null
                    ? session.createNativeQuery("INSERT INTO detection.sensor_marks (tenant_id, sensor_id, processed_seq, updated_at)"
                            + " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant_id, sensor_id) DO NOTHING")
                    : session.createNativeQuery("UPDATE detection.sensor_marks SET processed_seq = ?3, updated_at = ?4"
                            + " WHERE tenant_id = ?1 AND sensor_id = ?2 AND processed_seq = ?5")
                            .setParameter(5, expected))
                    .setParameter(1, tenant).setParameter(2, r.sensor()).setParameter(3, r.upTo())
                    .setParameter(4, now.atOffset(ZoneOffset.UTC))
                    .executeUpdate()
                    .invoke(n -> {
                        if (n != 1) {
                            throw new Conflict(tenant, r.sensor(), expected);
                        }
                    })
                    .replaceWithVoid());
        }
        return chain;
    }
}
