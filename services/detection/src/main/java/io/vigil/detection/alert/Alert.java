package io.vigil.detection.alert;

import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Severity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A SmartAlert: one row per (customer, type, source), accumulating the evidence of every cycle that saw the source
 * act, and reopened rather than duplicated after it was resolved. Its family follows from its type. The columns every
 * family fills are the keys, targets, services, sources, times, direction, score and summary; a family's own measures
 * go into {@link #evidence} (reconnaissance also keeps its probe counts in their own columns).
 */
@Entity
@Table(name = "alerts")
public class Alert {

    /** Cap on the targets and services stored; the counts keep growing past it. */
    public static final int MAX_LISTED = 1000;

    @Id
    public String id;

    /** Insertion order (a bigserial the database assigns). */
    @Column(insertable = false, updatable = false)
    public Long seq;

    /**
     * Order of the latest activity, the key of the lists' cursor pagination: the database takes a new value when the
     * alert is created, sees newer flows or reopens (migration V24), never on triage.
     */
    @Column(name = "activity_seq", insertable = false, updatable = false)
    public Long activitySeq;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    @Column(name = "msp_id")
    public String mspId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AlertFamily family;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AlertType type;

    @Column(nullable = false)
    public String source;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AlertStatus status;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Severity severity;

    public int score;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Direction direction;

    public boolean slow;

    @Column(nullable = false, columnDefinition = "text[]")
    public String[] mitre;

    @Column(nullable = false)
    public String summary;

    @Column(nullable = false, columnDefinition = "text[]")
    public String[] targets;

    @Column(name = "target_count")
    public int targetCount;

    @Column(nullable = false, columnDefinition = "text[]")
    public String[] ports;

    @Column(name = "port_count")
    public int portCount;

    /** The scanning addresses: the source itself, or a distributed scan's members (up to MAX_LISTED). */
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] sources;

    @Column(name = "source_count")
    public int sourceCount;

    public long attempts;
    public long failed;
    public long answered;

    @Column(name = "trw_failures")
    public int trwFailures;

    @Column(name = "first_seen", nullable = false)
    public Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;

    /** JSON array of sample probes. */
    @Column(nullable = false)
    public String samples;

    /** JSON object: the family's own evidence (reconnaissance: {"probes": ["SYN", "ACK_PING"]}). */
    @Column(nullable = false)
    public String evidence;

    /** JSON: the latest comparison of the source with its baseline (Gate.Verdict). */
    @Column(nullable = false)
    public String baseline;

    @Column(name = "reopen_count")
    public int reopenCount;

    @Column(name = "acknowledged_by")
    public String acknowledgedBy;

    @Column(name = "acknowledged_at")
    public Instant acknowledgedAt;

    @Column(name = "resolved_by")
    public String resolvedBy;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    /** Ids of the customer's alerts of the same source that tell one story (a scan, then logins). */
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] related;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
