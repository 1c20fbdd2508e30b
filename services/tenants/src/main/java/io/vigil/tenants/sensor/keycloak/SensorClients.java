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
 * A sensor's Keycloak identity: a confidential client with a service account holding the realm role "sensor" and
 * hardcoded msp_id/tenant_id/sensor_id claims (the shape of the realm's sensor-a1), so ingest can trust the claims.
 */
@ApplicationScoped
public class SensorClients {

    private static final Logger LOG = Logger.getLogger(SensorClients.class);

    private final KeycloakAdminApi admin;
    private final int tokenLifespanSeconds;
    private final String realm;

    public SensorClients(@RestClient KeycloakAdminApi admin,
                         @ConfigProperty(name = "vigil.tenants.sensor-token-lifespan", defaultValue = "300") int tokenLifespanSeconds,
                         @ConfigProperty(name = "vigil.keycloak.realm") String realm) {
        this.admin = admin;
        this.tokenLifespanSeconds = tokenLifespanSeconds;
        this.realm = realm;
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
                Map.entry("fullScopeAllowed", true),
                Map.entry("attributes", Map.of("access.token.lifespan", String.valueOf(tokenLifespanSeconds),
                        "client_credentials.use_refresh_token", "false")),
                // vigil-tenancy carries the audience "vigil" that ingest requires.
                Map.entry("defaultClientScopes", List.of("basic", "acr", "profile", "roles", "web-origins", "vigil-tenancy", "service_account")),
                Map.entry("optionalClientScopes", List.of()),
                Map.entry("protocolMappers", List.of(claim("tenant_id", tenantId), claim("sensor_id", sensorId), claim("msp_id", mspId))));
        return deleteIfPresent(sensorId)
                .chain(() -> admin.createClient(client))
                .map(r -> {
                    String location = r.getHeaderString("Location");
                    return location.substring(location.lastIndexOf('/') + 1);
                })
                .call(uuid -> admin.serviceAccountUser(uuid).chain(user -> {
                    String userId = user.get("id").asText();
                    return admin.realmRole("sensor").chain(role -> admin.addRealmRoles(userId, List.of(role)))
                            // Least privilege: no default-roles-<realm> (offline_access, account) for a sensor.
                            .chain(() -> admin.realmRole("default-roles-" + realm))
                            .chain(role -> admin.removeRealmRoles(userId, List.of(role)));
                }))
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

    private static Throwable keycloakFailure(Throwable t) {
        int status = ((WebApplicationException) t).getResponse().getStatus();
        LOG.errorf("Keycloak admin API answered %d: %s", status, t.getMessage());
        return new ProblemException(502, "identity-provider", "Identity provider error",
                "Keycloak refused to create or change the sensor's client (HTTP " + status + "); nothing was changed, retry later");
    }
}
