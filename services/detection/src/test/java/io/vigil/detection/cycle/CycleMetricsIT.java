package io.vigil.detection.cycle;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import io.vigil.detection.support.Synthetic;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection's /q/metrics as Prometheus reads it: the cycle's meters the dashboard draws its cycle time and lag from,
 * the lag gauge set by a cycle even when it had nothing to judge, and the time of each stage of a cycle with work.
 */
@QuarkusTest
class CycleMetricsIT {

    private static final Pattern LAST_COMPLETED = Pattern.compile("(?m)^vigil_detection_cycle_last_completed_seconds(?:\\{[^}]*})? (\\S+)$");

    @Inject
    DetectionCycle cycle;

    @Test
    void anIdleCycleSetsTheLagGaugeAndTheCycleMetersAreExported() {
        long before = Instant.now().getEpochSecond();
        cycle.run(Instant.now(), tenant -> false);
        String metrics = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("vigil_detection_cycle_duration_seconds_count"))
                .body(containsString("vigil_detection_batches_judged_total"))
                .body(containsString("vigil_detection_tenant_cycle_failures_total"))
                .extract().asString();
        Matcher m = LAST_COMPLETED.matcher(metrics);
        assertTrue(m.find(), "no vigil_detection_cycle_last_completed_seconds in /q/metrics");
        assertTrue(Double.parseDouble(m.group(1)) >= before, "the gauge is the idle cycle's end: " + m.group(0));
    }

    /** A cycle with batches to judge times each of its stages, so that an operator sees where a slow cycle spends. */
    @Test
    void aCycleWithWorkTimesEachOfItsStages() throws Exception {
        String tenant = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        Synthetic.flows(tenant, 5).set("s", now.minusSeconds(20).toEpochMilli() + " + number").set("received_s", now.getEpochSecond() - 5)
                .set("orig", "'10.1.0.5'").set("resp", "'10.1.0.9'").set("resp_port", 445).session(3000, 6000).insert();
        cycle.runTenant(tenant, now);
        String metrics = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        for (String stage : new String[] {"window", "directory", "requests", "detect", "follow-ups", "gate-reads", "write"}) {
            assertThat(metrics, matchesPattern(
                    "(?s).*\\nvigil_detection_cycle_stage_seconds_count\\{[^}]*stage=\"" + stage.replace(".", "\\.") + "\"[^}]*} [1-9].*"));
        }
    }
}
