package io.vigil.tenants.customer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Customers CRUD, pagination, filters and audit through the real PostgreSQL and Keycloak. */
@QuarkusTest
class CustomerApiIT {

    /** PATCH once set OFFBOARDED past active sensors (where DELETE answers 409), audited as a mere update. */
    @Test
    void settingTheStatusToOffboardedFollowsTheOffboardingRuleAndIsAuditedAsOne() {
        String id = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Offboard via PATCH"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
        String token = Api.as("msp-a-admin").body(Map.of("name", "core")).post("/api/v1/customers/" + id + "/sensors")
                .then().statusCode(201).extract().path("enrollmentToken");
        String sensor = Api.as("anonymous").body(Map.of("token", token)).post("/api/v1/sensors/enroll").then().statusCode(200)
                .extract().path("sensorId");

        Api.as("msp-a-admin").body(Map.of("status", "OFFBOARDED", "retentionDays", 7)).patch("/api/v1/customers/" + id).then()
                .statusCode(409).contentType("application/problem+json").body("type", equalTo("https://vigil.io/problems/conflict"));
        Api.as("msp-a-admin").get("/api/v1/customers/" + id).then().statusCode(200).body("status", equalTo("ACTIVE"))
                .body("retentionDays", equalTo(30));

        Api.as("msp-a-admin").post("/api/v1/customers/" + id + "/sensors/" + sensor + "/revoke").then().statusCode(200);
        Api.as("msp-a-admin").body(Map.of("status", "OFFBOARDED")).patch("/api/v1/customers/" + id).then().statusCode(200)
                .body("status", equalTo("OFFBOARDED"));
        Api.as("msp-a-admin").body(Map.of("status", "ACTIVE")).patch("/api/v1/customers/" + id).then().statusCode(200)
                .body("status", equalTo("ACTIVE"));
        List<String> actions = Api.as("msp-a-admin").get("/api/v1/msps/msp-a/audit?limit=200").then().statusCode(200)
                .extract().jsonPath().getList("items.findAll { it.target == '" + id + "' && it.action.startsWith('customer.') }.action");
        assertEquals(List.of("customer.reactivate", "customer.offboard", "customer.create"), actions);
    }

    @Test
    void mspAdminOnboardsChangesAndOffboardsACustomerOfItsOwnMsp() {
        String name = Api.unique("Acme");
        Response created = Api.as("msp-a-admin")
                .body(Map.of("name", name, "internalNetworks", List.of("10.20.0.0/16", "fd00:20::/48"),
                        "timeZone", "Europe/Berlin", "retentionDays", 90, "notificationContacts", List.of("soc@acme.test")))
                .post("/api/v1/customers");
        created.then().statusCode(201)
                .header("Location", containsString("/api/v1/customers/c-"))
                .body("mspId", equalTo("msp-a"))
                .body("status", equalTo("ACTIVE"))
                .body("internalNetworks", hasItems("10.20.0.0/16", "fd00:20::/48"));
        String id = created.path("id");
        assertTrue(created.header("Location").endsWith("/api/v1/customers/" + id));

        Api.as("msp-a-analyst").get("/api/v1/customers/" + id).then().statusCode(200).body("name", equalTo(name));
        Api.as("msp-a-admin").body(Map.of("retentionDays", 14, "status", "SUSPENDED"))
                .patch("/api/v1/customers/" + id).then().statusCode(200)
                .body("retentionDays", equalTo(14)).body("status", equalTo("SUSPENDED")).body("timeZone", equalTo("Europe/Berlin"));
        Api.as("client:vigil-tenants").get("/api/v1/internal/customers/" + id).then().statusCode(200)
                .body("retentionDays", equalTo(14)).body("internalNetworks", hasItems("10.20.0.0/16"));
        Api.as("msp-a-admin").delete("/api/v1/customers/" + id).then().statusCode(204);
        Api.as("msp-a-admin").get("/api/v1/customers/" + id).then().statusCode(200).body("status", equalTo("OFFBOARDED"));

        List<String> actions = Api.as("msp-a-admin").get("/api/v1/msps/msp-a/audit?limit=200").then().statusCode(200)
                .extract().jsonPath().getList("items.findAll { it.target == '" + id + "' }.action");
        assertEquals(List.of("customer.offboard", "customer.suspend", "customer.update", "customer.create"), actions);
        Api.as("msp-a-admin").get("/api/v1/msps/msp-a/audit?limit=200").then()
                .body("items.find { it.target == '" + id + "' }.actor", equalTo("msp-a-admin"))
                .body("items.find { it.target == '" + id + "' }.sourceIp", equalTo("127.0.0.1"));
    }

    @Test
    void listPagesThroughEveryVisibleCustomerOnceAndOnlyThose() {
        for (int i = 0; i < 3; i++) {
            Api.as("msp-b-admin").body(Map.of("name", Api.unique("Paging"))).post("/api/v1/customers").then().statusCode(201);
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = Api.as("msp-b-analyst").queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/customers");
            page.then().statusCode(200);
            List<String> ids = page.jsonPath().getList("items.id");
            List<String> msps = page.jsonPath().getList("items.mspId");
            assertTrue(ids.size() <= 2);
            msps.forEach(m -> assertEquals("msp-b", m));
            ids.forEach(id -> assertTrue(seen.add(id), "seen twice: " + id));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        assertTrue(pages >= 3);
        assertTrue(seen.containsAll(List.of("b1", "b2")));
        assertFalse(seen.contains("a1"));

        Api.as("a1-viewer").get("/api/v1/customers").then().statusCode(200)
                .body("items.id", equalTo(List.of("a1"))).body("nextCursor", equalTo(null));
        Api.as("platform-admin").queryParam("mspId", "msp-a").queryParam("q", "CUSTOMER A").get("/api/v1/customers")
                .then().statusCode(200).body("items.id", equalTo(List.of("a1", "a2")));
    }

    /** The internal list, for ingest's retention job: every MSP's customers, offboarded ones too, each once. */
    @Test
    void theInternalListPagesThroughEveryCustomerOfEveryMspWithItsRetention() {
        String kept = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Kept"), "retentionDays", 7))
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
        String gone = Api.as("msp-b-admin").body(Map.of("name", Api.unique("Gone"), "retentionDays", 400))
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
        Api.as("msp-b-admin").delete("/api/v1/customers/" + gone).then().statusCode(204);
        Map<String, Integer> retention = new java.util.HashMap<>();
        String cursor = null;
        do {
            var spec = Api.as("client:vigil-tenants").queryParam("limit", 100);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/internal/customers");
            page.then().statusCode(200);
            List<Map<String, Object>> items = page.jsonPath().getList("items");
            items.forEach(c -> assertTrue(retention.put((String) c.get("id"), (Integer) c.get("retentionDays")) == null,
                    "seen twice: " + c.get("id")));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertEquals(7, retention.get(kept));
        assertEquals(400, retention.get(gone), "an offboarded customer is listed with its retention");
        assertTrue(retention.keySet().containsAll(List.of("a1", "b1")));
        Api.as("platform-admin").get("/api/v1/internal/customers").then().statusCode(403);
        Api.as("client:vigil-tenants").queryParam("limit", 1001).get("/api/v1/internal/customers").then().statusCode(400);
    }

    /** The internal sensor list, for detection's offline watch: every MSP's sensors with site, MSP and status. */
    @Test
    void theInternalSensorListNamesEverySensorWithItsCustomerSiteAndStatus() {
        String customer = Api.as("msp-b-admin").body(Map.of("name", Api.unique("Watched")))
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
        String site = Api.as("msp-b-admin").body(Map.of("name", "Main office"))
                .post("/api/v1/customers/" + customer + "/sites").then().statusCode(201).extract().path("id");
        String atSite = Api.as("msp-b-admin").body(Map.of("name", "core-span", "siteId", site))
                .post("/api/v1/customers/" + customer + "/sensors").then().statusCode(201).extract().path("sensor.id");
        String revoked = Api.as("msp-b-admin").body(Map.of("name", "old"))
                .post("/api/v1/customers/" + customer + "/sensors").then().statusCode(201).extract().path("sensor.id");
        Api.as("msp-b-admin").post("/api/v1/customers/" + customer + "/sensors/" + revoked + "/revoke").then().statusCode(200);
        Map<String, Map<String, Object>> seen = new java.util.HashMap<>();
        String cursor = null;
        do {
            var spec = Api.as("client:vigil-tenants").queryParam("limit", 200);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/internal/sensors");
            page.then().statusCode(200);
            List<Map<String, Object>> items = page.jsonPath().getList("items");
            items.forEach(s -> assertTrue(seen.put((String) s.get("id"), s) == null, "seen twice: " + s.get("id")));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        Map<String, Object> s = seen.get(atSite);
        assertEquals(customer, s.get("customerId"));
        assertEquals("msp-b", s.get("mspId"));
        assertEquals(site, s.get("siteId"));
        assertEquals("Main office", s.get("siteName"));
        assertEquals("core-span", s.get("name"));
        assertEquals("PENDING", s.get("status"));
        assertEquals("REVOKED", seen.get(revoked).get("status"));
        assertEquals(null, seen.get(revoked).get("siteName"));
        Api.as("platform-admin").get("/api/v1/internal/sensors").then().statusCode(403);
        Api.as("client:vigil-tenants").queryParam("limit", 0).get("/api/v1/internal/sensors").then().statusCode(400);
        Api.as("client:vigil-tenants").queryParam("cursor", "not-ours").get("/api/v1/internal/sensors").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aDuplicateNameInOneMspIsAConflict() {
        String name = Api.unique("Twice");
        Api.as("msp-a-admin").body(Map.of("name", name)).post("/api/v1/customers").then().statusCode(201);
        Api.as("msp-a-admin").body(Map.of("name", name)).post("/api/v1/customers").then().statusCode(409)
                .contentType("application/problem+json").body("type", endsWith("/conflict"))
                .body("detail", equalTo("this MSP already has a customer with that name"));
        Api.as("msp-b-admin").body(Map.of("name", name)).post("/api/v1/customers").then().statusCode(201);
    }

    @Test
    void platformAdminMustNameTheMsp() {
        Api.as("platform-admin").body(Map.of("name", Api.unique("NoMsp"))).post("/api/v1/customers")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/validation")).body("detail", containsString("mspId"));
        Api.as("platform-admin").body(Map.of("name", Api.unique("Msp B"), "mspId", "msp-b")).post("/api/v1/customers")
                .then().statusCode(201).body("mspId", equalTo("msp-b")).body("id", notNullValue());
    }
}
