package io.vigil.detection.notify.repository;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.SyslogTransport;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery worker's and dispatcher's SQL (blocking, for worker threads, with no caller: alerts come from the
 * detection cycle). All times are PostgreSQL's now(), so several service instances agree on what is due.
 */
@ApplicationScoped
public class OutboxRepository {

    private static final String T = "detection.notification_deliveries";

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /** An enabled destination that may want an alert change of this customer. */
    public record Target(String id, DestinationKind kind, String minSeverity, List<String> events) {
    }

    /** A claimed delivery with what is needed to send it. */
    public record Outgoing(String id, String destinationId, String alertId, String event, String severity, int reopenCount,
                           String payload, int attempts, Instant createdAt, DestinationKind kind, boolean enabled,
                           String url, String secret, String host, Integer port, SyslogTransport transport) {
    }

    /** What PostgreSQL holds of an alert now (committed). */
    public record AlertState(String severity, int reopenCount) {
    }

    /** New delivery rows for enqueueing (one per target). */
    public record NewDelivery(String id, String destinationId, String mspId, String customerId, String alertId, String event,
                              String severity, int reopenCount, String dedupeKey, String payload) {
    }

    /** The customer's own destinations and its MSP's MSP-wide ones. */
    public List<Target> targets(String customerId, String mspId) {
        List<Target> out = new ArrayList<>();
        for (Row r : pool.preparedQuery("SELECT id, kind, min_severity, events FROM detection.notification_destinations"
                        + " WHERE enabled AND (customer_id = $1 OR (customer_id IS NULL AND msp_id = $2))")
                .execute(Tuple.of(customerId, mspId)).await().indefinitely()) {
            out.add(new Target(r.getString("id"), DestinationKind.valueOf(r.getString("kind")), r.getString("min_severity"),
                    List.of(r.getArrayOfStrings("events"))));
        }
        return out;
    }

    /** Inserts the deliveries, skipping any already queued for the same destination and change; returns how many were new. */
    public int enqueue(List<NewDelivery> rows) {
        int inserted = 0;
        for (NewDelivery d : rows) {
            inserted += pool.preparedQuery("INSERT INTO " + T + " (id, destination_id, msp_id, customer_id, alert_id, event,"
                            + " severity, reopen_count, dedupe_key, payload, status, next_attempt_at, created_at)"
                            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', now(), now())"
                            + " ON CONFLICT (destination_id, dedupe_key) DO NOTHING")
                    .execute(Tuple.from(new Object[]{d.id(), d.destinationId(), d.mspId(), d.customerId(), d.alertId(),
                            d.event(), d.severity(), d.reopenCount(), d.dedupeKey(), d.payload()}))
                    .await().indefinitely().rowCount();
        }
        return inserted;
    }

    /**
     * Leases up to {@code limit} due deliveries for {@code leaseMs}. A lease left by a stopped instance expires, so the
     * delivery is taken up again: nothing pending is lost by a restart. SKIP LOCKED lets instances share the queue.
     */
    public List<Outgoing> claim(int limit, long leaseMs) {
        List<Outgoing> out = new ArrayList<>();
        for (Row r : pool.preparedQuery("UPDATE " + T + " d SET lease_until = now() + $2::bigint * interval '1 millisecond'"
                        + " FROM detection.notification_destinations n"
                        + " WHERE n.id = d.destination_id AND d.id IN (SELECT id FROM " + T
                        + " WHERE status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())"
                        + " ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
                        + " RETURNING d.id, d.destination_id, d.alert_id, d.event, d.severity, d.reopen_count, d.payload,"
                        + " d.attempts, d.created_at, n.kind, n.enabled, n.url, n.secret, n.host, n.port, n.transport")
                .execute(Tuple.of((long) limit, leaseMs)).await().indefinitely()) {
            String transport = r.getString("transport");
            out.add(new Outgoing(r.getString("id"), r.getString("destination_id"), r.getString("alert_id"), r.getString("event"),
                    r.getString("severity"), r.getInteger("reopen_count"), r.getString("payload"), r.getInteger("attempts"),
                    r.getOffsetDateTime("created_at").toInstant(), DestinationKind.valueOf(r.getString("kind")),
                    r.getBoolean("enabled"), r.getString("url"), r.getString("secret"), r.getString("host"),
                    r.getInteger("port"), transport == null ? null : SyslogTransport.valueOf(transport)));
        }
        return out;
    }

    public AlertState alertState(String alertId) {
        var rows = pool.preparedQuery("SELECT severity, reopen_count FROM detection.alerts WHERE id = $1")
                .execute(Tuple.of(alertId)).await().indefinitely();
        if (rows.size() == 0) {
            return null;
        }
        Row r = rows.iterator().next();
        return new AlertState(r.getString("severity"), r.getInteger("reopen_count"));
    }

    public void delivered(String id, Integer statusCode) {
        update("status = 'DELIVERED', attempts = attempts + 1, last_attempt_at = now(), delivered_at = now(),"
                + " last_status_code = $2, last_error = NULL", Tuple.of(id, statusCode));
    }

    /** A failed attempt to be retried after {@code delayMs}. */
    public void retry(String id, Integer statusCode, String error, long delayMs) {
        update("attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2, last_error = $3,"
                + " next_attempt_at = now() + $4::bigint * interval '1 millisecond'", Tuple.of(id, statusCode, error, delayMs));
    }

    /** The last attempt failed too. */
    public void failed(String id, Integer statusCode, String error) {
        update("status = 'FAILED', attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2, last_error = $3",
                Tuple.of(id, statusCode, error));
    }

    public void dropped(String id, String reason) {
        update("status = 'DROPPED', last_error = $2", Tuple.of(id, reason));
    }

    /** Not attempted yet (the alert change is not visible yet): look again after {@code delayMs}, no attempt counted. */
    public void postpone(String id, long delayMs) {
        update("next_attempt_at = now() + $2::bigint * interval '1 millisecond'", Tuple.of(id, delayMs));
    }

    private void update(String set, Tuple args) {
        pool.preparedQuery("UPDATE " + T + " SET " + set + ", lease_until = NULL WHERE id = $1 AND status = 'PENDING'")
                .execute(args).await().indefinitely();
    }
}
