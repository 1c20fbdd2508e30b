package io.vigil.tenants.sensor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A one-time enrollment token, kept only as its SHA-256 so a database leak yields no usable token. */
@Entity
@Table(name = "enrollment_tokens")
public class EnrollmentToken {

    @Id
    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "sensor_id", nullable = false)
    public String sensorId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
