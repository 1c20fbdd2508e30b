package io.vigil.detection.notify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.SecretSeal;
import io.vigil.detection.notify.SyslogTransport;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The outbox's SQL: the detection cycle queues deliveries in its own transaction (reactive, in its session), and the
 * delivery worker claims and records them (blocking, on its own threads; no caller: alerts come from the cycle). All
 * times are PostgreSQL's now(), so several service instances agree on what is due.
 */
@ApplicationScoped
public class OutboxRepository {

    private static final String T = "detection.notification_deliveries";

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * An enabled destination that may want an alert change.
     *
     * @param customerId the customer it belongs to; null for an MSP-wide destination of {@code mspId}
     */
    public record Target(String id, DestinationKind kind, String minSeverity, List<String> events, String customerId,
                         String mspId) {
    }

    /** A claimed delivery with what is needed to send it. */
    public record Outgoing(String id, String destinationId, String alertId, String event, String severity, int reopenCount,
                           String payload, int attempts, Instant createdAt, DestinationKind kind, boolean enabled,
                           String url, String secret, String host, Integer port, SyslogTransport transport,
                           String tlsCaCertificate, String tlsClientCertificate, String tlsClientKey,
                           boolean tlsVerifyHostname) {
    }

    /** New delivery rows for enqueueing (one per target). */
    public record NewDelivery(String id, String destinationId, String mspId, String customerId, String alertId, String event,
                              String severity, int reopenCount, String dedupeKey, String payload) {
    }

    /** The enabled destinations of these customers and their MSPs' MSP-wide ones, in the caller's transaction. */
    public Uni<List<Target>> targets(Mutiny.Session session, Collection<String> customerIds, Collection<String> mspIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return session.createNativeQuery("SELECT id, kind, min_severity, array_to_string(events, ','), customer_id, msp_id"
                        + " FROM detection.notification_destinations WHERE enabled AND (customer_id IN (:customers)"
                        + " OR (customer_id IS NULL AND msp_id IN (:msps)))", Object[].class)
                .setParameter("customers", List.copyOf(customerIds))
                .setParameter("msps", mspIds.isEmpty() ? List.of("") : List.copyOf(mspIds))
                .getResultList()
                .map(rows -> rows.stream().map(r -> new Target((String) r[0], DestinationKind.valueOf((String) r[1]), (String) r[2],
                        List.of(((String) r[3]).split(",")), (String) r[4], (String) r[5])).toList());
    }

    /**
     * Inserts the deliveries in the caller's transaction, skipping any already queued for the same destination and
     * change; returns how many were new.
     */
    public Uni<Integer> enqueue(Mutiny.Session session, List<NewDelivery> rows) {
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (NewDelivery d : rows) {
            chain = chain.chain(n -> session.createNativeQuery("INSERT INTO " + T + " (id, destination_id, msp_id, customer_id,"
                            + " alert_id, event, severity, reopen_count, dedupe_key, payload, status, next_attempt_at, created_at)"
                            + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'PENDING', now(), now())"
                            + " ON CONFLICT (destination_id, dedupe_key) DO NOTHING")
                    .setParameter(1, d.id()).setParameter(2, d.destinationId()).setParameter(3, d.mspId())
                    .setParameter(4, d.customerId()).setParameter(5, d.alertId()).setParameter(6, d.event())
                    .setParameter(7, d.severity()).setParameter(8, d.reopenCount()).setParameter(9, d.dedupeKey())
                    .setParameter(10, d.payload())
                    .executeUpdate().map(inserted -> n + inserted));
        }
        return chain;
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
                        + " d.attempts, d.created_at, n.kind, n.enabled, n.url, n.secret, n.host, n.port, n.transport,"
                        + " n.tls_ca_certificate, n.tls_client_certificate, n.tls_client_key, n.tls_verify_hostname")
                .execute(Tuple.of((long) limit, leaseMs)).await().indefinitely()) {
            String transport = r.getString("transport");
            out.add(new Outgoing(r.getString("id"), r.getString("destination_id"), r.getString("alert_id"), r.getString("event"),
                    r.getString("severity"), r.getInteger("reopen_count"), r.getString("payload"), r.getInteger("attempts"),
                    r.getOffsetDateTime("created_at").toInstant(), DestinationKind.valueOf(r.getString("kind")),
                    r.getBoolean("enabled"), r.getString("url"), r.getString("secret"), r.getString("host"),
                    r.getInteger("port"), transport == null ? null : SyslogTransport.valueOf(transport),
                    r.getString("tls_ca_certificate"), r.getString("tls_client_certificate"), r.getString("tls_client_key"),
                    r.getBoolean("tls_verify_hostname")));
        }
        return out;
    }

    /** Seals every webhook secret still stored in plaintext (rows from before sealing); returns how many. */
    public int sealPlaintextSecrets(SecretSeal seal) {
        int sealed = 0;
        for (Row r : pool.query("SELECT id, secret FROM detection.notification_destinations WHERE secret IS NOT NULL"
                + " AND secret NOT LIKE 'v1:%'").execute().await().indefinitely()) {
            String id = r.getString("id");
            sealed += pool.preparedQuery("UPDATE detection.notification_destinations SET secret = $2 WHERE id = $1 AND secret = $3")
                    .execute(Tuple.of(id, seal.seal(r.getString("secret"), id), r.getString("secret"))).await().indefinitely().rowCount();
        }
        return sealed;
    }

    /** Deliveries not sent yet, of every instance (PENDING: due, waiting for a retry, or leased); the partial index counts them. */
    public long backlog() {
        return pool.query("SELECT count(*) FROM " + T + " WHERE status = 'PENDING'").execute().await().indefinitely()
                .iterator().next().getLong(0);
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

    private void update(String set, Tuple args) {
        pool.preparedQuery("UPDATE " + T + " SET " + set + ", lease_until = NULL WHERE id = $1 AND status = 'PENDING'")
                .execute(args).await().indefinitely();
    }
}
