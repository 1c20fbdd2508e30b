package io.vigil.tenants.msp;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A managed service provider: the top of the tenancy tree; its id is the msp_id claim of its people's tokens. */
@Entity
@Table(name = "msps")
public class Msp {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
