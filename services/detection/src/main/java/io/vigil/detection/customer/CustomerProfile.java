package io.vigil.detection.customer;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** What detection keeps of a customer (the tenant): its MSP, which scopes every alert query, and its internal networks. */
@Entity
@Table(name = "customers")
public class CustomerProfile {

    /** The tenant_id of tokens and ClickHouse rows. */
    @Id
    public String id;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    /** CIDRs that are "inside" for severity and direction. */
    @Column(name = "internal_networks", nullable = false, columnDefinition = "text[]")
    public String[] internalNetworks;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
