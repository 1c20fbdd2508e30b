package io.vigil.detection.notify;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One notification to one destination: the durable outbox row the delivery worker retries from, and afterwards the
 * destination's delivery log. The API reads (and queues test deliveries) through Hibernate; the worker claims and
 * updates rows with plain SQL (OutboxRepository).
 */
@Entity
@Table(name = "notification_deliveries")
public class Delivery {

    @Id
    public String id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "destination_id", nullable = false)
    public String destinationId;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    /** Null for a test delivery to an MSP-wide destination. */
    @Column(name = "customer_id")
    public String customerId;

    /** Null for a test delivery and a sensor event. */
    @Column(name = "alert_id")
    public String alertId;

    /** A NotificationEvent name, or TEST. */
    @Column(nullable = false)
    public String event;

    @Column(nullable = false)
    public String severity;

    @Column(name = "reopen_count")
    public int reopenCount;

    /** Unique per destination: a change is queued once however often its event is fired. */
    @Column(name = "dedupe_key", nullable = false)
    public String dedupeKey;

    /** The exact bytes every attempt sends (webhook JSON, or the syslog message). */
    @Column(nullable = false)
    public String payload;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeliveryStatus status;

    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "last_status_code")
    public Integer lastStatusCode;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
