package io.vigil.detection.scan;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** How far a tenant's flows have been judged: every flow received before processedUntil. */
@Entity
@Table(name = "watermarks")
public class Watermark {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "processed_until", nullable = false)
    public Instant processedUntil;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
