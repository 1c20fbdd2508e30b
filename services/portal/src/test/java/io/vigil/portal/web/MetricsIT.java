package io.vigil.portal.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;

/**
 * The portal's Prometheus endpoint: served without sign-in to a scraper inside the cluster, counting the pages served,
 * and refused to anything that came through the Ingress (a forwarding proxy).
 */
@QuarkusTest
class MetricsIT {

    @Test
    void metricsServePrometheusTextCountingThePagesServed() {
        RestAssured.given().redirects().follow(false).get("/signed-out").then().statusCode(200);
        RestAssured.given().redirects().follow(false).accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/signed-out\""));
    }

    @Test
    void metricsAreNotServedThroughTheIngress() {
        RestAssured.given().redirects().follow(false).header("X-Forwarded-For", "203.0.113.7").get("/q/metrics")
                .then().statusCode(404);
        RestAssured.given().redirects().follow(false).header("X-Real-IP", "203.0.113.7").get("/q/metrics/")
                .then().statusCode(404);
    }
}
