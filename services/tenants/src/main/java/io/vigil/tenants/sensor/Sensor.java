package io.vigil.tenants.sensor;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An on-prem sensor of one customer; its id is also its Keycloak client id and the sensor_id claim ingest reads. What it
 * reports (last seen, version, interfaces) lives in ClickHouse's sensor_status, not here.
 */
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

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "enrolled_at")
    public Instant enrolledAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
