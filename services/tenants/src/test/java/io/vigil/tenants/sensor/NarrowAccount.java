package io.vigil.tenants.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vigil.lib.testing.KeycloakAdmin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for the tenants service's Keycloak client with exactly the realm-management roles the realm file now
 * grants vigil-tenants (manage-clients, view-clients, query-clients), created in the dev realm for the test and
 * deleted after it, so the running stack's own vigil-tenants stays as it is. The service under test uses it.
 */
public class NarrowAccount implements QuarkusTestResourceLifecycleManager {

    static final List<String> ROLES = List.of("manage-clients", "view-clients", "query-clients");
    static String clientId;
    static String secret;
    private String uuid;

    @Override
    public Map<String, String> start() {
        String admin = KeycloakAdmin.adminToken();
        clientId = "it-tenants-narrow-" + UUID.randomUUID().toString().substring(0, 8);
        secret = "it-" + UUID.randomUUID();
        check(KeycloakAdmin.call(admin, "POST", "/clients", Map.of("clientId", clientId, "enabled", true, "publicClient", false,
                "secret", secret, "standardFlowEnabled", false, "serviceAccountsEnabled", true)).statusCode() == 201, "create");
        uuid = KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/clients?clientId=" + clientId, null).body()).get(0).get("id").asText();
        String user = KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/clients/" + uuid + "/service-account-user", null).body())
                .get("id").asText();
        String management = KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/clients?clientId=realm-management", null).body())
                .get(0).get("id").asText();
        List<JsonNode> roles = new ArrayList<>();
        for (String role : ROLES) {
            roles.add(KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/clients/" + management + "/roles/" + role, null).body()));
        }
        check(KeycloakAdmin.call(admin, "POST", "/users/" + user + "/role-mappings/clients/" + management, roles).statusCode() == 204,
                "grant " + ROLES);
        return Map.of("quarkus.oidc-client.client-id", clientId, "vigil.keycloak.client-secret", secret);
    }

    @Override
    public void stop() {
        if (uuid != null) {
            KeycloakAdmin.call(KeycloakAdmin.adminToken(), "DELETE", "/clients/" + uuid, null);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("could not set up the narrow service account: " + what);
        }
    }
}
