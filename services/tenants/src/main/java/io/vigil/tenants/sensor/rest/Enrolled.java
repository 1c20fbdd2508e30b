package io.vigil.tenants.sensor.rest;

/**
 * The answer to a successful enrollment: the sensor's Keycloak client credentials, shown this once.
 *
 * @param tokenEndpoint where the sensor gets access tokens with the client-credentials grant
 */
public record Enrolled(String sensorId, String mspId, String tenantId, String clientId, String clientSecret,
                       String tokenEndpoint) {
}
