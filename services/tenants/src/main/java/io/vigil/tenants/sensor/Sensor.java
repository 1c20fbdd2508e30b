package io.vigil.tenants.sensor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An on-prem sensor of one customer; its id is also its Keycloak client id and the sensor_id claim ingest reads. */
@Entity
@Table(name = "sensors")
public class Sensor {

    @Id
    public String id;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    @Column(name = "site_id")
    public String siteId;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SensorStatus status;

    /** Keycloak's internal id of the sensor's client, to disable it on revoke. */
    @Column(name = "keycloak_client_uuid")
    public String keycloakClientUuid;

    /** From heartbeats (not yet forwarded by ingest). */
    @Column(name = "last_seen")
    public Instant lastSeen;

    public String version;

    @Column(nullable = false, columnDefinition = "text[]")
    public String[] interfaces;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "enrolled_at")
    public Instant enrolledAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
