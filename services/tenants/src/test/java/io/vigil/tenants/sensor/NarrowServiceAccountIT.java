package io.vigil.tenants.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import io.vigil.lib.testing.KeycloakAdmin;
import io.vigil.lib.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenants service enrolls and revokes sensors with a Keycloak account that manages clients and nothing else
 * ({@link NarrowAccount}, what the realm file grants vigil-tenants): the secret of that account can no longer change
 * a person (their msp_id, their roles), and the sensor's token still carries its claims and exactly the role sensor.
 */
@QuarkusTest
@QuarkusTestResource(value = NarrowAccount.class, restrictToAnnotatedClass = true)
class NarrowServiceAccountIT {

    @Test
    void enrollmentNeedsOnlyToManageClients() {
        String customer = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Narrow"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
        Response issued = Api.as("msp-a-admin").body(Map.of("name", "span-narrow")).post("/api/v1/customers/" + customer + "/sensors");
        issued.then().statusCode(201);
        String sensorId = issued.path("sensor.id");
        Response enrolled = Api.as("anonymous").body(Map.of("token", issued.path("enrollmentToken"))).post("/api/v1/sensors/enroll");
        enrolled.then().statusCode(200);
        String secret = enrolled.path("clientSecret");

        JsonNode claims = Tokens.claims(Tokens.client(sensorId, secret));
        assertEquals(customer, claims.path("tenant_id").asText());
        assertEquals("msp-a", claims.path("msp_id").asText());
        List<String> roles = new java.util.ArrayList<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        assertEquals(List.of("sensor"), roles, "exactly the role sensor, from the client's own mapper");
        assertTrue(claims.path("aud").toString().contains("\"vigil\""));

        Api.as("msp-a-admin").post("/api/v1/customers/" + customer + "/sensors/" + sensorId + "/revoke").then().statusCode(200);
        HttpResponse<String> refused = Tokens.request("grant_type=client_credentials&client_id=" + sensorId
                + "&client_secret=" + Tokens.enc(secret));
        assertNotEquals(200, refused.statusCode(), "a revoked sensor gets no token");
    }

    /** What a leak of the service's secret allows: clients, but no person, role or realm setting. */
    @Test
    void theAccountCannotChangePeople() {
        String token = Tokens.client(NarrowAccount.clientId, NarrowAccount.secret);
        TreeSet<String> granted = new TreeSet<>();
        Tokens.claims(token).path("resource_access").path("realm-management").path("roles").forEach(r -> granted.add(r.asText()));
        assertEquals(new TreeSet<>(NarrowAccount.ROLES), granted);

        String admin = KeycloakAdmin.adminToken();
        String aliceId = KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/users?username=msp-a-admin&exact=true", null).body())
                .get(0).get("id").asText();
        assertEquals(403, KeycloakAdmin.call(token, "PUT", "/users/" + aliceId, Map.of("attributes", Map.of("msp_id", List.of("msp-b"))))
                .statusCode(), "rewriting a person's msp_id");
        assertEquals(403, KeycloakAdmin.call(token, "GET", "/users/" + aliceId + "/role-mappings", null).statusCode());
        assertEquals(403, KeycloakAdmin.call(token, "PUT", "", Map.of("bruteForceProtected", false)).statusCode(), "realm settings");
        assertEquals("msp-b".equals(KeycloakAdmin.json(KeycloakAdmin.call(admin, "GET", "/users/" + aliceId, null).body())
                .path("attributes").path("msp_id").path(0).asText()), false, "msp-a-admin is still of msp-a");
    }
}
