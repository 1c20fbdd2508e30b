package io.vigil.tenants.sensor;

/** PENDING until its enrollment token is redeemed, ACTIVE with a Keycloak client, REVOKED with the client disabled. */
public enum SensorStatus {
    PENDING, ACTIVE, REVOKED
}
