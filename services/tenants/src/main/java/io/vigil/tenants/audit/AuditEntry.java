package io.vigil.tenants.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One mutating call: who, for which MSP/customer, what, when and from where; written in the call's own transaction. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public Instant at;

    @Column(nullable = false)
    public String actor;

    @Column(name = "actor_role", nullable = false)
    public String actorRole;

    @Column(name = "msp_id")
    public String mspId;

    @Column(name = "customer_id")
    public String customerId;

    @Column(nullable = false)
    public String action;

    public String target;

    @Column(name = "source_ip")
    public String sourceIp;

    public String detail;
}
