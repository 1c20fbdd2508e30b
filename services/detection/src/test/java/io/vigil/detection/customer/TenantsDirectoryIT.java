package io.vigil.detection.customer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.sensor.Registration;
import io.vigil.detection.sensor.service.SensorDirectory;
import io.vigil.detection.support.TenantsService;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * Ids in request paths cannot fill the cache (50 entries here) nor keep an unknown id for long (1 s here), and ids no
 * caller could reach are 404 without asking tenants.
 */
@QuarkusTest
@QuarkusTestResource(value = TenantsService.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "vigil.detection.customers.cache-size", value = "50"),
        @ResourceArg(name = "vigil.detection.customers.not-found-ttl", value = "1s")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsDirectoryIT {

    @Inject
    CustomerDirectory directory;

    @Inject
    SensorDirectory sensors;

    @ConfigProperty(name = "vigil.tenants.url")
    String tenantsUrl;

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
    void unknownIdsInPathsAreForgottenSoonAndNeverFillTheCache() throws InterruptedException {
        tenantsRuns();
        String run = Long.toHexString(System.nanoTime());
        double asked = lookups("not-found");
        for (int i = 0; i < 120; i++) {
            as("msp-a-analyst").get("/api/v1/customers/nx-" + run + "-" + i + "/alerts").then().statusCode(404)
                    .contentType("application/problem+json");
        }
        assertEquals(asked + 120, lookups("not-found"), "each unknown id asked tenants once");
        long cached = directory.cached();
        assertTrue(cached <= 50, "the cache holds at most its 50 entries, not " + cached);
        Thread.sleep(1_500);
        for (int i = 0; i < 10; i++) {
            as("msp-a-analyst").get("/api/v1/customers/nx-" + run + "-" + i + "/alerts").then().statusCode(404);
        }
        assertEquals(asked + 130, lookups("not-found"), "an unknown id is asked again once its short lifetime ended");
    }

    @Test
    @Order(3)
    void idsThatCannotBeTenantIdsAre404WithoutALookup() {
        tenantsRuns();
        double asked = lookups("found") + lookups("not-found") + lookups("failed");
        for (String id : new String[]{"x".repeat(4_000), "a%20b", "%C3%BC", "a1%2Fb", "x".repeat(65)}) {
            as("msp-a-admin").urlEncodingEnabled(false).get("/api/v1/customers/" + id + "/alerts").then().statusCode(404)
                    .contentType("application/problem+json");
        }
        as("a1-viewer").get("/api/v1/customers/a2/alerts").then().statusCode(404);
        as("a1-viewer").get("/api/v1/customers/nx-" + System.nanoTime() + "/summary").then().statusCode(404);
        assertEquals(asked, lookups("found") + lookups("not-found") + lookups("failed"), "tenants was not asked");
    }

    /** A counter of calls to tenants' internal API by outcome, from /q/metrics. */
    private static double lookups(String outcome) {
        return metric("vigil_detection_customers_lookups_total", "outcome=\"" + outcome + "\"");
    }

    private static double metric(String name, String label) {
        String all = as("anonymous").get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(all);
        if (!m.find()) {
            throw new AssertionError("no metric " + name + "{" + label + "} in /q/metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * The sensor watch's roster: tenants' internal sensor list, paged, keeps the enrolled (ACTIVE) sensors with their
     * site and enrollment; a pending sensor and a revoked one are not watched.
     */
    @Test
    @Order(4)
    void theSensorRosterIsTheEnrolledSensorsTenantsListsWithTheirSites() {
        tenantsRuns();
        String customer = as("msp-a-admin").baseUri(tenantsUrl).body(Map.of("name", "Roster " + System.nanoTime()))
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
        String site = as("msp-a-admin").baseUri(tenantsUrl).body(Map.of("name", "Branch office"))
                .post("/api/v1/customers/" + customer + "/sites").then().statusCode(201).extract().path("id");
        String watched = enroll(customer, "span-1", site);
        String revoked = enroll(customer, "span-2", null);
        String pending = as("msp-a-admin").baseUri(tenantsUrl).body(Map.of("name", "not yet"))
                .post("/api/v1/customers/" + customer + "/sensors").then().statusCode(201).extract().path("sensor.id");
        as("msp-a-admin").baseUri(tenantsUrl).post("/api/v1/customers/" + customer + "/sensors/" + revoked + "/revoke")
                .then().statusCode(200);

        List<Registration> roster = sensors.enrolled().await().atMost(Duration.ofSeconds(30)).orElseThrow();
        List<Registration> mine = roster.stream().filter(r -> r.customerId().equals(customer)).toList();
        assertEquals(List.of(watched), mine.stream().map(Registration::sensorId).toList(), "neither pending " + pending
                + " nor revoked " + revoked);
        Registration r = mine.get(0);
        assertEquals("msp-a", r.mspId());
        assertEquals(site, r.siteId());
        assertEquals("Branch office", r.siteName());
        assertEquals("span-1", r.name());
        assertTrue(r.watchedSince().isAfter(Instant.now().minus(Duration.ofMinutes(5))), "watched from its enrollment");
    }

    private String enroll(String customer, String name, String site) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name));
        if (site != null) {
            body.put("siteId", site);
        }
        String token = as("msp-a-admin").baseUri(tenantsUrl).body(body).post("/api/v1/customers/" + customer + "/sensors")
                .then().statusCode(201).extract().path("enrollmentToken");
        return as("anonymous").baseUri(tenantsUrl).body(Map.of("token", token)).post("/api/v1/sensors/enroll")
                .then().statusCode(200).extract().path("sensorId");
    }

    @Test
    @Order(5)
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
        // no caller could see these, so they need no lookup, and tenants being down does not matter
        as("msp-a-analyst").get("/api/v1/customers/" + "x".repeat(4_000) + "/alerts").then().statusCode(404)
                .contentType("application/problem+json");
        as("a1-viewer").get("/api/v1/customers/never-seen-y/alerts").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
