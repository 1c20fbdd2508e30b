package io.vigil.tenants.customer;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A customer of an MSP: the tenant whose flows, baselines and alerts Vigil keeps apart from every other's. */
@Entity
@Table(name = "customers")
public class Customer {

    /** The tenant_id in tokens and ClickHouse rows. */
    @Id
    public String id;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    @Column(nullable = false)
    public String name;

    /** CIDR blocks (IPv4 and IPv6) that are the customer's own: "inside" for detection. */
    @Column(name = "internal_networks", nullable = false, columnDefinition = "text[]")
    public String[] internalNetworks;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    @Column(name = "retention_days", nullable = false)
    public int retentionDays;

    /** E-mail addresses that receive SmartAlerts. */
    @Column(name = "notification_contacts", nullable = false, columnDefinition = "text[]")
    public String[] notificationContacts;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CustomerStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
