package io.vigil.detection.customer;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * The last known copy of a customer (the tenant) as the tenants service described it: its MSP scopes every query through
 * {@code Scope}; {@link io.vigil.detection.customer.service.CustomerDirectory} keeps it current.
 */
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

    @Column(nullable = false)
    public String status;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
