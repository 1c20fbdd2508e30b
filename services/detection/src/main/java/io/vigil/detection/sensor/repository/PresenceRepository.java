package io.vigil.detection.sensor.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.sensor.PresenceChange;
import io.vigil.detection.sensor.Registration;
import io.vigil.detection.sensor.SensorKey;
import io.vigil.detection.sensor.SensorPresence;
import io.vigil.detection.sensor.Watched;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code detection.sensor_presence}: the sensors the watcher follows and what it last decided about each. Writes of
 * decisions are a compare-and-set on each row's version in the caller's transaction, so of two watchers that read the
 * same row (a shard change) only one records, and announces, its transition.
 */
@ApplicationScoped
public class PresenceRepository {

    private static final String T = "detection.sensor_presence";

    private final Pool pool;

    public PresenceRepository(Pool pool) {
        this.pool = pool;
    }

    /** Every recorded sensor. */
    public Uni<List<Watched>> all() {
        return pool.query("SELECT customer_id, sensor_id, msp_id, site_id, site_name, name, watched_since, state, state_since,"
                        + " last_heartbeat, version FROM " + T + " ORDER BY customer_id, sensor_id").execute()
                .map(rows -> {
                    List<Watched> out = new ArrayList<>();
                    rows.forEach(r -> out.add(row(r)));
                    return out;
                });
    }

    /**
     * Adds new sensors (WAITING since their enrollment) and updates what tenants says of known ones (name, site, MSP,
     * enrollment), leaving their presence as it is.
     */
    public Uni<Void> register(List<Registration> sensors) {
        if (sensors.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = sensors.stream().map(s -> Tuple.tuple().addValue(s.customerId()).addValue(s.sensorId())
                .addValue(s.mspId()).addValue(s.siteId()).addValue(s.siteName()).addValue(s.name())
                .addValue(s.watchedSince().atOffset(ZoneOffset.UTC))).toList();
        return pool.preparedQuery("INSERT INTO " + T + " (customer_id, sensor_id, msp_id, site_id, site_name, name, watched_since,"
                        + " state, state_since, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'WAITING', $7, now())"
                        + " ON CONFLICT (customer_id, sensor_id) DO UPDATE SET msp_id = EXCLUDED.msp_id, site_id = EXCLUDED.site_id,"
                        + " site_name = EXCLUDED.site_name, name = EXCLUDED.name, watched_since = EXCLUDED.watched_since,"
                        + " updated_at = now()")
                .executeBatch(rows).replaceWithVoid();
    }

    /** Forgets sensors tenants no longer lists as enrolled, with their presence. */
    public Uni<Void> forget(Collection<Watched> sensors) {
        if (sensors.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("DELETE FROM " + T + " p USING unnest($1::text[], $2::text[]) AS v(c, s)"
                        + " WHERE p.customer_id = v.c AND p.sensor_id = v.s")
                .execute(Tuple.of(sensors.stream().map(Watched::customerId).toArray(String[]::new),
                        sensors.stream().map(Watched::sensorId).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * Records the decisions in the caller's transaction, each only if its row still has the version read; returns the
     * sensors recorded. One statement whatever the number of sensors.
     */
    public Uni<Set<SensorKey>> record(Mutiny.Session session, List<PresenceChange> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return session.createNativeQuery("WITH v AS (SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]),"
                        + " CAST(?3 AS bigint[]), CAST(?4 AS text[]), CAST(?5 AS bigint[]), CAST(?6 AS bigint[]))"
                        + " AS v(customer_id, sensor_id, version, state, since_ms, heartbeat_ms)),"
                        + " moved AS (UPDATE " + T + " p SET state = v.state,"
                        + " state_since = to_timestamp(v.since_ms / 1000.0),"
                        + " last_heartbeat = CASE WHEN v.heartbeat_ms < 0 THEN p.last_heartbeat"
                        + " ELSE to_timestamp(v.heartbeat_ms / 1000.0) END,"
                        + " version = p.version + 1, updated_at = now() FROM v"
                        + " WHERE p.customer_id = v.customer_id AND p.sensor_id = v.sensor_id AND p.version = v.version"
                        + " RETURNING p.customer_id, p.sensor_id)"
                        + " SELECT customer_id, sensor_id FROM moved", Object[].class)
                .setParameter(1, changes.stream().map(c -> c.sensor().customerId()).toArray(String[]::new))
                .setParameter(2, changes.stream().map(c -> c.sensor().sensorId()).toArray(String[]::new))
                .setParameter(3, changes.stream().map(PresenceChange::version).toArray(Long[]::new))
                .setParameter(4, changes.stream().map(c -> c.next().state().name()).toArray(String[]::new))
                .setParameter(5, changes.stream().map(c -> c.next().since().toEpochMilli()).toArray(Long[]::new))
                .setParameter(6, changes.stream().map(c -> c.next().lastHeartbeat() == null ? -1L
                        : c.next().lastHeartbeat().toEpochMilli()).toArray(Long[]::new))
                .getResultList()
                .map(rows -> {
                    Set<SensorKey> done = new HashSet<>();
                    rows.forEach(r -> done.add(new SensorKey((String) r[0], (String) r[1])));
                    return done;
                });
    }

    private static Watched row(Row r) {
        OffsetDateTime hb = r.getOffsetDateTime("last_heartbeat");
        return new Watched(r.getString("customer_id"), r.getString("sensor_id"), r.getString("msp_id"), r.getString("site_id"),
                r.getString("site_name"), r.getString("name"), r.getOffsetDateTime("watched_since").toInstant(),
                new SensorPresence.Known(SensorPresence.State.valueOf(r.getString("state")),
                        r.getOffsetDateTime("state_since").toInstant(), hb == null ? null : hb.toInstant()),
                r.getLong("version"));
    }
}
