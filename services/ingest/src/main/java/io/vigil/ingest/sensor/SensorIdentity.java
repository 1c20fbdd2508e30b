package io.vigil.ingest.sensor;

import io.quarkus.security.identity.SecurityIdentity;
import io.grpc.Status;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.regex.Pattern;

/**
 * Who is sending: the tenant and sensor named by the verified access token, and when that token expires.
 * It is the only source of a tenant id in ingest; nothing in a FlowBatch can name one.
 */
public record SensorIdentity(String tenantId, String sensorId, long expiresAtSeconds) {

    /** Keycloak realm role every sensor client's service account holds. */
    public static final String SENSOR_ROLE = "sensor";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The sensor behind {@code identity}, or a gRPC status exception saying why there is none. */
    public static SensorIdentity from(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw Status.UNAUTHENTICATED
                    .withDescription("no bearer token: send metadata 'authorization: Bearer <sensor access token>'")
                    .asRuntimeException();
        }
        if (!identity.hasRole(SENSOR_ROLE)) {
            throw Status.PERMISSION_DENIED
                    .withDescription("token of '" + jwt.getName() + "' lacks the '" + SENSOR_ROLE + "' role: only sensor clients may export")
                    .asRuntimeException();
        }
        String tenant = claim(jwt, "tenant_id");
        String sensor = claim(jwt, "sensor_id");
        return new SensorIdentity(tenant, sensor, jwt.getExpirationTime());
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        String text = value == null ? null : value.toString();
        if (text != null && text.length() > 1 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text == null || !ID.matcher(text).matches()) {
            throw Status.PERMISSION_DENIED
                    .withDescription("sensor token has no valid '" + name + "' claim (1-64 of [A-Za-z0-9._-])")
                    .asRuntimeException();
        }
        return text;
    }

    /** The key under which this sensor's streams and stored batches are tracked. */
    public String key() {
        return tenantId + '/' + sensorId;
    }
}
