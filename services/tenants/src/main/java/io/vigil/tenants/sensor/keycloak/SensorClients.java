package io.vigil.tenants.sensor.keycloak;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * A sensor's Keycloak identity: a confidential client with a service account whose tokens carry the realm role
 * "sensor" and hardcoded msp_id/tenant_id/sensor_id claims, all from the client's own mappers, so ingest can trust the
 * claims and the service needs to manage clients only, never users.
 */
@ApplicationScoped
public class SensorClients {

    private static final Logger LOG = Logger.getLogger(SensorClients.class);

    private final KeycloakAdminApi admin;
    private final int tokenLifespanSeconds;

    public SensorClients(@RestClient KeycloakAdminApi admin,
                         @ConfigProperty(name = "vigil.tenants.sensor-token-lifespan", defaultValue = "300") int tokenLifespanSeconds) {
        this.admin = admin;
        this.tokenLifespanSeconds = tokenLifespanSeconds;
    }

    /**
     * Creates the client {@code sensorId} with {@code secret} and returns Keycloak's uuid for it. A client left by an
     * earlier attempt that failed after creating it (the sensor is still pending) is deleted first.
     */
    public Uni<String> create(String sensorId, String secret, String mspId, String tenantId) {
        Map<String, Object> client = Map.ofEntries(
                Map.entry("clientId", sensorId),
                Map.entry("name", "Sensor " + sensorId + " (" + mspId + " / " + tenantId + ")"),
                Map.entry("description", "Enrolled by vigil-tenants"),
                Map.entry("enabled", true),
                Map.entry("protocol", "openid-connect"),
                Map.entry("publicClient", false),
                Map.entry("clientAuthenticatorType", "client-secret"),
                Map.entry("secret", secret),
                Map.entry("standardFlowEnabled", false),
                Map.entry("implicitFlowEnabled", false),
                Map.entry("directAccessGrantsEnabled", false),
                Map.entry("serviceAccountsEnabled", true),
                Map.entry("frontchannelLogout", false),
                // Only the role its mapper adds, none of the realm's default roles (offline_access, account).
                Map.entry("fullScopeAllowed", false),
                Map.entry("attributes", Map.of("access.token.lifespan", String.valueOf(tokenLifespanSeconds),
                        "client_credentials.use_refresh_token", "false")),
                // vigil-tenancy carries the audience "vigil" that ingest requires.
                Map.entry("defaultClientScopes", List.of("basic", "acr", "profile", "roles", "web-origins", "vigil-tenancy", "service_account")),
                Map.entry("optionalClientScopes", List.of()),
                Map.entry("protocolMappers", List.of(claim("tenant_id", tenantId), claim("sensor_id", sensorId), claim("msp_id", mspId),
                        sensorRole())));
        return deleteIfPresent(sensorId)
                .chain(() -> admin.createClient(client))
                .map(r -> {
                    String location = r.getHeaderString("Location");
                    return location.substring(location.lastIndexOf('/') + 1);
                })
                .onFailure(WebApplicationException.class).transform(SensorClients::keycloakFailure);
    }

    /** Disables the client: Keycloak then issues it no more tokens; ingest refuses it once its last token expires. */
    public Uni<Void> disable(String uuid, String sensorId) {
        return admin.updateClient(uuid, Map.of("clientId", sensorId, "enabled", false)).replaceWithVoid()
                .onFailure(WebApplicationException.class).transform(SensorClients::keycloakFailure);
    }

    private Uni<Void> deleteIfPresent(String sensorId) {
        return admin.findClients(sensorId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            LOG.warnf("deleting Keycloak client %s left by an earlier, failed enrollment", sensorId);
            return admin.deleteClient(found.get(0).get("id").asText()).replaceWithVoid();
        });
    }

    private static Map<String, Object> claim(String name, String value) {
        return Map.of("name", name, "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper",
                "consentRequired", false,
                "config", Map.of("claim.name", name, "claim.value", value, "jsonType.label", "String",
                        "access.token.claim", "true", "id.token.claim", "false", "userinfo.token.claim", "false",
                        "introspection.token.claim", "true", "access.tokenResponse.claim", "false"));
    }

    /**
     * The realm role "sensor" in the client's tokens, from the client itself: granting it to the client's service
     * account user instead would need realm-management manage-users, which could rewrite any person's msp_id.
     */
    private static Map<String, Object> sensorRole() {
        return Map.of("name", "sensor role", "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-role-mapper",
                "consentRequired", false, "config", Map.of("role", "sensor"));
    }

    private static Throwable keycloakFailure(Throwable t) {
        int status = ((WebApplicationException) t).getResponse().getStatus();
        LOG.errorf("Keycloak admin API answered %d: %s", status, t.getMessage());
        return new ProblemException(502, "identity-provider", "Identity provider error",
                "Keycloak refused to create or change the sensor's client (HTTP " + status + "); nothing was changed, retry later");
    }
}
