package io.vigil.detection.customer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.support.TenantsService;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The customer directory against the real tenants service (its built jar, started by {@link TenantsService}), with
 * detection's real client-credentials token from Keycloak: the dev customer a1 comes from tenants' internal API, an
 * unknown id is a 404, and once tenants is stopped the last known copy answers while a never-seen customer is a 503.
 */
@QuarkusTest
@QuarkusTestResource(value = TenantsService.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsDirectoryIT {

    @Inject
    CustomerDirectory directory;

    private static void tenantsRuns() {
        Assumptions.assumeTrue(TenantsService.reason == null, () -> "not run against tenants: " + TenantsService.reason);
    }

    @Test
    @Order(1)
    void customerNetworksComeFromTheTenantsInternalApi() {
        tenantsRuns();
        assertEquals(CustomerDirectory.Source.TENANTS, directory.source());
        Customer a1 = directory.find("a1").await().atMost(Duration.ofSeconds(20));
        assertEquals(Customer.Origin.TENANTS, a1.origin());
        assertEquals("msp-a", a1.mspId());
        assertTrue(a1.internalNetworks().contains("10.1.0.0/16"), a1.toString());
        assertNull(directory.find("no-such-customer").await().atMost(Duration.ofSeconds(20)), "tenants answers 404");
        as("msp-a-analyst").get("/api/v1/customers/a1/summary").then().statusCode(200)
                .body("networksFrom", equalTo("TENANTS")).body("internalNetworks", hasItem("10.1.0.0/16"));
        as("platform-admin").get("/api/v1/customers/no-such-customer/alerts").then().statusCode(404);
        as("msp-b-analyst").get("/api/v1/customers/a1/summary").then().statusCode(404);
    }

    @Test
    @Order(2)
    void whileTenantsIsDownTheLastKnownCopyAnswers() {
        tenantsRuns();
        directory.find("a1").await().atMost(Duration.ofSeconds(20));
        TenantsService.stopTenants();
        directory.invalidate();
        Customer a1 = directory.find("a1").await().atMost(Duration.ofSeconds(20));
        assertEquals(Customer.Origin.LAST_KNOWN, a1.origin());
        assertTrue(a1.internalNetworks().contains("10.1.0.0/16"));
        as("msp-a-analyst").get("/api/v1/customers/a1/summary").then().statusCode(200).body("networksFrom", equalTo("LAST_KNOWN"));
        ProblemException e = assertThrows(ProblemException.class,
                () -> directory.find("never-seen-" + System.nanoTime()).await().atMost(Duration.ofSeconds(20)));
        assertEquals(503, e.problem().status());
        as("msp-a-analyst").get("/api/v1/customers/never-seen-x/alerts").then().statusCode(503)
                .contentType("application/problem+json");
    }
}
