package io.vigil.tenants.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import io.vigil.lib.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sensor enrollment end to end against the real Keycloak: token, redemption, the sensor's own token, revocation. */
@QuarkusTest
class EnrollmentIT {

    @Inject
    AgroalDataSource jdbc;

    String customer;

    @BeforeEach
    void newCustomer() {
        customer = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Enroll"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void enrolledSensorGetsKeycloakTokensWithItsClaimsUntilRevoked() {
        String site = Api.as("msp-a-admin").body(Map.of("name", "HQ")).post("/api/v1/customers/" + customer + "/sites")
                .then().statusCode(201).extract().path("id");
        Response issued = Api.as("msp-a-admin").body(Map.of("name", "span-1", "siteId", site))
                .post("/api/v1/customers/" + customer + "/sensors");
        issued.then().statusCode(201).body("sensor.status", equalTo("PENDING")).body("enrollmentToken", startsWith("vet_"))
                .body("enrollUrl", equalTo("/api/v1/sensors/enroll"));
        String sensorId = issued.path("sensor.id");
        String token = issued.path("enrollmentToken");

        Response enrolled = enroll(token);
        enrolled.then().statusCode(200).body("sensorId", equalTo(sensorId)).body("clientId", equalTo(sensorId))
                .body("tenantId", equalTo(customer)).body("mspId", equalTo("msp-a"));
        String secret = enrolled.path("clientSecret");

        JsonNode claims = Tokens.claims(Tokens.client(sensorId, secret));
        assertEquals(customer, claims.path("tenant_id").asText());
        assertEquals(sensorId, claims.path("sensor_id").asText());
        assertEquals("msp-a", claims.path("msp_id").asText());
        assertEquals(List.of("sensor"), roles(claims));
        assertTrue(claims.path("aud").toString().contains("\"vigil\""), "aud must include vigil: " + claims.path("aud"));
        assertEquals(300, claims.path("exp").asLong() - claims.path("iat").asLong());

        Api.as("a1-viewer").get("/api/v1/customers/" + customer + "/sensors").then().statusCode(404);
        Api.as("msp-a-analyst").get("/api/v1/customers/" + customer + "/sensors").then().statusCode(200)
                .body("find { it.id == '" + sensorId + "' }.status", equalTo("ACTIVE"))
                .body("find { it.id == '" + sensorId + "' }.siteId", equalTo(site));

        Api.as("msp-a-admin").post("/api/v1/customers/" + customer + "/sensors/" + sensorId + "/revoke")
                .then().statusCode(200).body("status", equalTo("REVOKED"));
        HttpResponse<String> refused = Tokens.request("grant_type=client_credentials&client_id=" + sensorId
                + "&client_secret=" + Tokens.enc(secret));
        assertNotEquals(200, refused.statusCode(), "a revoked sensor must get no token: " + refused.body());
        Api.as("msp-a-admin").post("/api/v1/customers/" + customer + "/sensors/" + sensorId + "/revoke")
                .then().statusCode(200).body("status", equalTo("REVOKED"));
        Api.as("msp-a-admin").get("/api/v1/msps/msp-a/audit").then().statusCode(200)
                .body("items.findAll { it.target == '" + sensorId + "' }.action",
                        equalTo(List.of("sensor.revoke", "sensor.enroll", "sensor.create")));
    }

    @Test
    void aUsedTokenIsRefused() {
        String token = newToken();
        enroll(token).then().statusCode(200);
        enroll(token).then().statusCode(401).contentType("application/problem+json")
                .body("type", endsWith("/enrollment-token-refused")).body("detail", containsString("already used"));
    }

    @Test
    void anExpiredTokenIsRefusedAndTheSensorStaysPending() throws Exception {
        Response issued = Api.as("msp-a-admin").body(Map.of("name", "late")).post("/api/v1/customers/" + customer + "/sensors");
        String sensorId = issued.path("sensor.id");
        try (Connection c = jdbc.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "UPDATE tenants.enrollment_tokens SET expires_at = now() - interval '1 second' WHERE sensor_id = ?")) {
            st.setString(1, sensorId);
            assertEquals(1, st.executeUpdate());
        }
        enroll(issued.path("enrollmentToken")).then().statusCode(401).body("detail", containsString("expired"));
        Api.as("msp-a-admin").get("/api/v1/customers/" + customer + "/sensors").then()
                .body("find { it.id == '" + sensorId + "' }.status", equalTo("PENDING"));
    }

    @Test
    void anUnknownTokenIsRefused() {
        enroll("vet_not-a-real-token").then().statusCode(401).body("detail", containsString("not valid"));
    }

    @Test
    void aRevokedPendingSensorCannotEnroll() {
        Response issued = Api.as("msp-a-admin").body(Map.of("name", "never")).post("/api/v1/customers/" + customer + "/sensors");
        Api.as("msp-a-admin").post("/api/v1/customers/" + customer + "/sensors/" + issued.path("sensor.id") + "/revoke")
                .then().statusCode(200);
        enroll(issued.path("enrollmentToken")).then().statusCode(401);
    }

    private String newToken() {
        return Api.as("msp-a-admin").body(Map.of("name", "s")).post("/api/v1/customers/" + customer + "/sensors")
                .then().statusCode(201).extract().path("enrollmentToken");
    }

    private static Response enroll(String token) {
        return RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", token)).post("/api/v1/sensors/enroll");
    }

    private static List<String> roles(JsonNode claims) {
        List<String> roles = new java.util.ArrayList<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }
}
