package io.vigil.tenants.customer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An MSP's own automation: a client-credentials client (msp-a-automation) bound to its MSP by a hardcoded msp_id claim
 * and holding msp-admin. It onboards retry-safely, sees only its MSP, and is the actor of its audit entries.
 */
@QuarkusTest
class AutomationClientIT {

    private static final String AUTOMATION = "client:msp-a-automation";

    @Test
    void automationClientOnboardsACustomerOnceWithAnIdempotencyKeyAndIsAuditedAsItself() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", Api.unique("Automated"), "internalNetworks", List.of("10.77.0.0/16"));
        Response first = Api.as(AUTOMATION).header("Idempotency-Key", key).body(body).post("/api/v1/customers");
        Response retry = Api.as(AUTOMATION).header("Idempotency-Key", key).body(body).post("/api/v1/customers");
        first.then().statusCode(201).body("mspId", equalTo("msp-a"));
        retry.then().statusCode(201);
        String id = first.path("id");
        assertEquals(id, retry.path("id"));
        assertEquals(first.header("Location"), retry.header("Location"));
        Api.as(AUTOMATION).queryParam("q", body.get("name")).get("/api/v1/customers").then().statusCode(200)
                .body("items.id", equalTo(List.of(id)));

        Api.as("msp-a-admin").get("/api/v1/msps/msp-a/audit?limit=200").then().statusCode(200)
                .body("items.findAll { it.target == '" + id + "' }.action", equalTo(List.of("customer.create")))
                .body("items.find { it.target == '" + id + "' }.actor", equalTo("msp-a-automation"))
                .body("items.find { it.target == '" + id + "' }.actorRole", equalTo("msp-admin"));
        Api.as("client:msp-b-automation").get("/api/v1/customers/" + id).then().statusCode(404);
    }

    @Test
    void automationClientSeesAndChangesNothingOfAnotherMsp() {
        Api.as(AUTOMATION).get("/api/v1/customers/b1").then().statusCode(404);
        Api.as(AUTOMATION).body(Map.of("retentionDays", 7)).patch("/api/v1/customers/b1").then().statusCode(404);
        Api.as(AUTOMATION).body(Map.of("name", Api.unique("Elsewhere"), "mspId", "msp-b")).post("/api/v1/customers")
                .then().statusCode(403);
        Api.as(AUTOMATION).queryParam("limit", 200).get("/api/v1/customers").then().statusCode(200)
                .body("items.mspId", everyItem(equalTo("msp-a")));
        Api.as(AUTOMATION).queryParam("mspId", "msp-b").get("/api/v1/customers").then().statusCode(200).body("items", hasSize(0));
        Api.as(AUTOMATION).get("/api/v1/msps").then().statusCode(200).body("items.id", equalTo(List.of("msp-a")));
        Api.as(AUTOMATION).get("/api/v1/msps/msp-b").then().statusCode(404);
        Api.as(AUTOMATION).get("/api/v1/msps/msp-b/audit").then().statusCode(404);
    }
}
