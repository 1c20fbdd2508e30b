package io.vigil.detection.rule;

import io.vigil.detection.model.AlertType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An allow-list entry (a known scanner: none of its findings alert) or a suppression (findings of the source matching
 * port and type do not alert, until expiry), for one customer or, with no customer, every customer of the MSP.
 */
@Entity
@Table(name = "rules")
public class Rule {

    public enum Kind { ALLOW, SUPPRESS }

    @Id
    public String id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    /** Null: MSP-wide. */
    @Column(name = "customer_id")
    public String customerId;

    @Column(name = "source_cidr", nullable = false)
    public String sourceCidr;

    /** Null: any port. */
    public Integer port;

    /** Null: any type. */
    @Enumerated(EnumType.STRING)
    public AlertType type;

    /** Null: never expires (then {@link #permanent}, set by an admin, unless the row predates that rule). */
    @Column(name = "expires_at")
    public Instant expiresAt;

    /** An admin chose "no expiry". */
    public boolean permanent;

    /** The admin who confirmed a CIDR broader than {@link Breadth#needsConfirmation()} allows without; else null. */
    @Column(name = "broad_confirmed_by")
    public String broadConfirmedBy;

    @Column(nullable = false)
    public String reason;

    /** Findings the rule dropped. */
    public long hits;

    @Column(name = "last_hit_at")
    public Instant lastHitAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Unexpired at {@code at}, and not broader than any rule may be (such a row is never honoured: RuleMatch). */
    public boolean active(Instant at) {
        Breadth breadth = Breadth.of(sourceCidr);
        return (expiresAt == null || expiresAt.isAfter(at)) && breadth != null && !breadth.beyondFloor();
    }
}
