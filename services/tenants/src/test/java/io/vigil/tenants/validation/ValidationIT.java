package io.vigil.tenants.validation;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.lib.testing.Api;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/** Bad input answers 400 problem+json naming the field and the fault, and writes nothing. */
@QuarkusTest
class ValidationIT {

    @Test
    void unknownFieldIsNamed() {
        String name = Api.unique("Unknown");
        Api.as("msp-a-admin").body(Map.of("name", name, "colour", "red")).post("/api/v1/customers")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", endsWith("/validation")).body("status", equalTo(400))
                .body("detail", containsString("unknown field 'colour'"))
                .body("errors[0].field", equalTo("colour"));
        assertNothingNamed(name);
    }

    @Test
    void cidrWithHostBitsNamesTheNetwork() {
        String name = Api.unique("Cidr");
        Api.as("msp-a-admin").body(Map.of("name", name, "internalNetworks", List.of("10.0.0.0/8", "10.1.2.3/16")))
                .post("/api/v1/customers")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("internalNetworks[1]"))
                .body("errors[0].message", equalTo("'10.1.2.3/16' has host bits set; the network is 10.1.0.0/16"));
        assertNothingNamed(name);
    }

    @Test
    void badIpv6AndEveryOtherFaultAreAllReported() {
        String name = Api.unique("Many");
        Api.as("msp-a-admin").body(Map.of("name", name, "internalNetworks", List.of("fd00::zz/64"),
                        "timeZone", "Mars/Olympus", "retentionDays", 0, "notificationContacts", List.of("not-an-email")))
                .post("/api/v1/customers")
                .then().statusCode(400)
                .body("errors.field", equalTo(List.of("internalNetworks[0]", "notificationContacts[0]", "retentionDays", "timeZone")))
                .body("detail", containsString("'fd00::zz' is not an IPv4 or IPv6 address"));
        assertNothingNamed(name);
    }

    @Test
    void sizesAreEnforced() {
        Api.as("msp-a-admin").body(Map.of("name", "x".repeat(101))).post("/api/v1/customers")
                .then().statusCode(400).body("errors[0].field", equalTo("name")).body("errors[0].message", containsString("between 0 and 100"));
        Api.as("msp-a-admin").queryParam("limit", 1000).get("/api/v1/customers")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void wrongTypesAndMalformedJsonAreRefused() {
        String name = Api.unique("Types");
        Api.as("msp-a-admin").body("{\"name\":\"" + name + "\",\"retentionDays\":\"many\"}").post("/api/v1/customers")
                .then().statusCode(400).body("detail", containsString("retentionDays"));
        Api.as("msp-a-admin").body("{\"name\":").post("/api/v1/customers")
                .then().statusCode(400).body("detail", containsString("malformed JSON"));
        Api.as("msp-a-admin").body("").post("/api/v1/customers").then().statusCode(400);
        assertNothingNamed(name);
    }

    @Test
    void sensorForAnotherCustomersSiteIsRefused() {
        String site = Api.as("msp-a-admin").body(Map.of("name", Api.unique("site"))).post("/api/v1/customers/a2/sites")
                .then().statusCode(201).extract().path("id");
        Api.as("msp-a-admin").body(Map.of("name", "s", "siteId", site)).post("/api/v1/customers/a1/sensors")
                .then().statusCode(400).body("detail", containsString("siteId"));
    }

    private static void assertNothingNamed(String name) {
        Api.as("msp-a-admin").queryParam("q", name).get("/api/v1/customers").then().statusCode(200).body("items", empty());
    }
}
