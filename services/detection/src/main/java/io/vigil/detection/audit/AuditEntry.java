package io.vigil.detection.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One change a person made in detection (triage, a comment, a rule), kept so an MSP can tell who did what. */
@Entity
@Table(name = "audit")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "msp_id")
    public String mspId;

    /** Null for an MSP-wide rule. */
    @Column(name = "customer_id")
    public String customerId;

    @Column(nullable = false)
    public String actor;

    @Column(name = "source_ip")
    public String sourceIp;

    /** For example "alert.acknowledge", "rule.create". */
    @Column(nullable = false)
    public String action;

    /** The alert or rule id. */
    @Column(nullable = false)
    public String target;

    /** What changed, as JSON. */
    @Column(nullable = false)
    public String details;

    @Column(nullable = false)
    public Instant at;
}
