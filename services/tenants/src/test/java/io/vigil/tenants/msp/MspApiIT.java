package io.vigil.tenants.msp;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import io.vigil.lib.api.id.Ids;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MSPs: platform-admin onboards and sees them all; an MSP's own people see only theirs. */
@QuarkusTest
class MspApiIT {

    @Test
    void platformAdminOnboardsAnMspThatThenTakesCustomers() {
        String id = Ids.newId("m");
        String name = Api.unique("MSP");
        Api.as("platform-admin").body(Map.of("id", id, "name", name)).post("/api/v1/msps").then().statusCode(201)
                .header("Location", endsWith("/api/v1/msps/" + id)).body("id", equalTo(id)).body("name", equalTo(name));
        Api.as("platform-admin").get("/api/v1/msps/" + id).then().statusCode(200).body("name", equalTo(name));
        Api.as("platform-admin").body(Map.of("id", id, "name", Api.unique("again"))).post("/api/v1/msps").then().statusCode(409)
                .contentType("application/problem+json").body("detail", equalTo("an MSP with this id already exists"));
        String customer = Api.as("platform-admin").body(Map.of("name", Api.unique("First"), "mspId", id)).post("/api/v1/customers")
                .then().statusCode(201).body("mspId", equalTo(id)).extract().path("id");
        Api.as("platform-admin").get("/api/v1/msps/" + id + "/audit").then().statusCode(200)
                .body("items.action", equalTo(List.of("customer.create", "msp.create")))
                .body("items.target", equalTo(List.of(customer, id)))
                .body("items[1].actor", equalTo("platform-admin"));
        Api.as("msp-a-admin").get("/api/v1/msps/" + id).then().statusCode(404);
    }

    @Test
    void platformAdminPagesThroughEveryMspOnce() {
        for (int i = 0; i < 2; i++) {
            Api.as("platform-admin").body(Map.of("id", Ids.newId("m"), "name", Api.unique("Paged"))).post("/api/v1/msps")
                    .then().statusCode(201);
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = Api.as("platform-admin").queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/msps");
            page.then().statusCode(200);
            List<String> ids = page.jsonPath().getList("items.id");
            assertTrue(ids.size() <= 2);
            ids.forEach(i -> assertTrue(seen.add(i), "seen twice: " + i));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        assertTrue(pages >= 2);
        assertTrue(seen.containsAll(List.of("msp-a", "msp-b")));
    }

    @Test
    void mspPeopleSeeOnlyTheirOwnMspAndCannotOnboardOne() {
        Api.as("msp-b-analyst").get("/api/v1/msps").then().statusCode(200)
                .body("items.id", equalTo(List.of("msp-b"))).body("nextCursor", equalTo(null));
        Api.as("msp-b-admin").get("/api/v1/msps/msp-b").then().statusCode(200).body("name", equalTo("MSP B"));
        Api.as("msp-b-admin").get("/api/v1/msps/msp-a").then().statusCode(404).contentType("application/problem+json");
        String id = Ids.newId("m");
        Api.as("msp-b-admin").body(Map.of("id", id, "name", "Mine")).post("/api/v1/msps").then().statusCode(403);
        Api.as("b1-viewer").get("/api/v1/msps").then().statusCode(403);
        Api.as("platform-admin").get("/api/v1/msps/" + id).then().statusCode(404);
    }

    @Test
    void badMspIdIs400AndNothingIsWritten() {
        Api.as("platform-admin").body(Map.of("id", "Not A Slug", "name", "Bad")).post("/api/v1/msps").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("id"));
        Api.as("platform-admin").get("/api/v1/msps/Not A Slug").then().statusCode(404);
        String id = Ids.newId("m");
        Api.as("platform-admin").body(Map.of("id", id, "name", " ")).post("/api/v1/msps").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Api.as("platform-admin").get("/api/v1/msps/" + id).then().statusCode(404);
    }
}
