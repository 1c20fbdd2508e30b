package io.vigil.tenants.site;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A customer location (office, plant) where sensors sit; it carries msp_id too so scoping needs no join. */
@Entity
@Table(name = "sites")
public class Site {

    @Id
    public String id;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    @Column(nullable = false)
    public String name;

    public String address;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
