package io.vigil.detection.baseline;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.baseline.service.BaselineService;
import io.vigil.detection.model.Finding;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.support.Synthetic;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ordinary traffic does not alert, on realistic synthetic history generated in ClickHouse: web downloads, DNS, SSH
 * sessions, and a monitoring host that touches 20 hosts each minute (4 of them down, so each minute brings 8 failed
 * attempts, enough for the sequential test to decide "scanner"). With 8 days of history the monitor's baseline is
 * MATURE and its routine stays quiet, while a port scan by the same host alerts with "observed X vs baseline p99 Y".
 * The same routine on a tenant with 2 days of history (LEARNING) alerts: the baseline is what keeps it quiet.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BaselineIT {

    static final String MONITOR = "10.1.0.5";
    static final String WORKSTATION = "10.1.0.20";
    static final String ADMIN = "10.1.0.21";
    static final String MATURE = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String LEARNING = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final long MINUTE_NOW = NOW.getEpochSecond() / 60 * 60;
    static DetectionCycle.TenantRun matureRun;
    static DetectionCycle.TenantRun learningRun;
    static RuntimeException setupFailure;

    @Inject
    DetectionCycle cycle;

    @Inject
    BaselineService baselines;

    @Inject
    Pool pool;

    synchronized void prepared() throws Exception {
        if (setupFailure != null) {
            throw setupFailure;
        }
        if (matureRun != null) {
            return;
        }
        try {
            for (String t : List.of(MATURE, LEARNING)) {
                TestCustomers.named(pool, t, "msp-a", "10.1.0.0/16");
            }
            ordinaryWeek(MATURE, 8 * 24 * 60);
            ordinaryWeek(LEARNING, 2 * 24 * 60);
            // The current minute, received now: what the cycle judges.
            for (String t : List.of(MATURE, LEARNING)) {
                routine(t, MINUTE_NOW - 60, 1, true);
            }
            long t0 = System.nanoTime();
            int hosts = baselines.refresh(MATURE, NOW).size();
            long refreshMs = (System.nanoTime() - t0) / 1_000_000;
            baselines.refresh(LEARNING, NOW);
            t0 = System.nanoTime();
            matureRun = cycle.runTenant(MATURE, NOW.plusSeconds(1));
            // Figures for the README, not assertions: 8 days of a small network's history (~535k flows).
            System.out.printf("BASELINE refresh of %d hosts over 8 days: %d ms; cycle with the gate: %d ms%n", hosts, refreshMs,
                    (System.nanoTime() - t0) / 1_000_000);
            learningRun = cycle.runTenant(LEARNING, NOW.plusSeconds(1));
        } catch (Exception | Error e) {
            setupFailure = new IllegalStateException("setup failed: " + e, e);
            throw e;
        }
    }

    /** {@code minutes} of history up to the current minute, received when it happened. */
    private static void ordinaryWeek(String tenant, long minutes) throws Exception {
        routine(tenant, MINUTE_NOW - 60 - minutes * 60, minutes, false);
    }

    /**
     * The network's routine from {@code fromMinute} (epoch s) for {@code minutes} minutes: the monitor each minute
     * (SSH check and ping of 10.1.1.1–20; 17–20 are down), and every 10 minutes the workstation's web downloads from 30
     * external servers and its DNS queries, and the admin's SSH sessions to 5 servers.
     */
    private static void routine(String tenant, long fromMinute, long minutes, boolean receivedNow) throws Exception {
        String received = receivedNow ? String.valueOf(NOW.getEpochSecond()) : "intDiv(s, 1000)";
        String minute = "(" + fromMinute + " + intDiv(number, %d) * 60)";
        // Monitor, hosts up: SSH session and answered ping.
        Synthetic.flows(tenant, minutes * 16).set("s", String.format(minute, 16) + " * 1000 + (number % 16) * 100")
                .set("received_s", received).set("orig", "'" + MONITOR + "'").set("resp", "concat('10.1.1.', toString(1 + number % 16))")
                .set("resp_port", 22).session(2_000, 3_000).insert();
        Synthetic.flows(tenant, minutes * 16).set("s", String.format(minute, 16) + " * 1000 + (number % 16) * 100 + 50")
                .set("received_s", received).set("orig", "'" + MONITOR + "'").set("resp", "concat('10.1.1.', toString(1 + number % 16))")
                .echo(true).insert();
        // Monitor, hosts down: the SSH check and the ping go unanswered.
        Synthetic.flows(tenant, minutes * 4).set("s", String.format(minute, 4) + " * 1000 + (16 + number % 4) * 100")
                .set("received_s", received).set("orig", "'" + MONITOR + "'").set("resp", "concat('10.1.1.', toString(17 + number % 4))")
                .set("resp_port", 22).unanswered().insert();
        Synthetic.flows(tenant, minutes * 4).set("s", String.format(minute, 4) + " * 1000 + (16 + number % 4) * 100 + 50")
                .set("received_s", received).set("orig", "'" + MONITOR + "'").set("resp", "concat('10.1.1.', toString(17 + number % 4))")
                .echo(false).insert();
        long tens = Math.max(1, minutes / 10);
        String tenMinutes = "(" + fromMinute + " + intDiv(number, %d) * 600)";
        // Web downloads: 30 external servers on 443, megabytes in.
        Synthetic.flows(tenant, tens * 30).set("s", String.format(tenMinutes, 30) + " * 1000 + (number % 30) * 1000")
                .set("received_s", received).set("orig", "'" + WORKSTATION + "'").set("resp", "concat('93.184.216.', toString(1 + number % 30))")
                .set("resp_port", 443).set("duration_ms", 4_000).session(40_000, 2_500_000).insert();
        // DNS to the internal resolver, each answered.
        Synthetic.flows(tenant, tens * 30).set("s", String.format(tenMinutes, 30) + " * 1000 + (number % 30) * 1000 - 200")
                .set("received_s", received).set("orig", "'" + WORKSTATION + "'").set("resp", "'10.1.0.53'")
                .set("resp_port", 53).udpExchange().insert();
        // SSH sessions of the admin to 5 servers.
        Synthetic.flows(tenant, tens * 5).set("s", String.format(tenMinutes, 5) + " * 1000 + (number % 5) * 5000")
                .set("received_s", received).set("orig", "'" + ADMIN + "'").set("resp", "concat('10.1.1.', toString(1 + number % 5))")
                .set("resp_port", 22).set("duration_ms", 300_000).session(80_000, 400_000).insert();
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    @Test
    @Order(1)
    void monitoringRoutineOfAMatureHostIsDroppedByItsBaseline() throws Exception {
        prepared();
        assertEquals(List.of(), alerts(MATURE), "ordinary traffic of a learned network raises nothing");
        List<DetectionCycle.Dropped> byBaseline = matureRun.dropped().stream().filter(d -> d.reason() == FindingGate.DropReason.BASELINE).toList();
        assertTrue(byBaseline.stream().anyMatch(d -> d.finding().source().equals(MONITOR)),
                "the sequential test did flag the monitor (4 hosts down each minute), and its baseline dropped it: " + matureRun);
        Gate.Verdict v = byBaseline.get(0).verdict();
        assertEquals(Gate.State.MATURE, v.state());
        assertTrue(v.text().contains("observed 8 failed targets in the last hour vs baseline p99 8"), v.text());
        assertTrue(matureRun.dropped().stream().allMatch(d -> d.finding().source().equals(MONITOR)),
                "web, DNS and SSH are not even findings: " + matureRun.dropped());
    }

    @Test
    @Order(2)
    void theSameRoutineAlertsWhileTheHostIsStillLearning() throws Exception {
        prepared();
        List<Map<String, Object>> items = alerts(LEARNING);
        assertTrue(!items.isEmpty() && items.stream().allMatch(a -> a.get("source").equals(MONITOR)), "alerts: " + items);
        JsonPath detail = as("msp-a-analyst").get("/api/v1/customers/" + LEARNING + "/alerts/" + items.get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("LEARNING", detail.getString("baseline.state"));
        assertTrue(detail.getString("baseline.text").contains("observed 8 failed targets in the last hour vs baseline p99 8"),
                detail.getString("baseline.text"));
        assertTrue(detail.getString("baseline.text").contains("baseline learning until"), detail.getString("baseline.text"));
        assertTrue(learningRun.findings().stream().map(Finding::source).allMatch(MONITOR::equals));
    }

    @Test
    @Order(3)
    void baselineEndpointShowsMaturityAndTheHourOfWeekProfile() throws Exception {
        prepared();
        JsonPath b = as("msp-a-analyst").get("/api/v1/customers/" + MATURE + "/hosts/" + MONITOR + "/baseline")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("MATURE", b.getString("state"));
        assertEquals(8, b.getInt("metrics.FAILED_TARGETS.p99"));
        assertEquals(20, b.getInt("metrics.PEERS.p99"));
        assertEquals(2, b.getInt("metrics.PORTS.p99"));
        assertEquals(168, b.getList("metrics.PEERS.hourOfWeek").size());
        assertTrue(b.getInt("activeHours") >= 190, "8 days of hourly activity: " + b.getInt("activeHours"));
        JsonPath w = as("a1-viewer").get("/api/v1/customers/" + MATURE + "/hosts/" + WORKSTATION + "/baseline")
                .then().statusCode(404).extract().jsonPath();
        assertEquals("https://vigil.io/problems/not-found", w.getString("type"));
        JsonPath ws = as("msp-a-admin").get("/api/v1/customers/" + MATURE + "/hosts/" + WORKSTATION + "/baseline")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(ws.getLong("metrics.BYTES_IN.p99") >= 6 * 30L * 2_500_000, "six rounds of downloads an hour, learned as bytes in");
        assertEquals(0, ws.getInt("metrics.NEW_EXTERNAL.p99"), "the same 30 servers every day: nothing new after the first day");
        as("msp-a-admin").get("/api/v1/customers/" + LEARNING + "/hosts/" + MONITOR + "/baseline").then().statusCode(200)
                .body("state", equalTo("LEARNING"));
        as("msp-a-admin").get("/api/v1/customers/" + MATURE + "/hosts/10.9.9.9/baseline").then().statusCode(404);
        as("msp-a-admin").get("/api/v1/customers/" + MATURE + "/hosts/not-an-ip/baseline").then().statusCode(400);
    }

    @Test
    @Order(4)
    void summaryCountsBaselineMaturity() throws Exception {
        prepared();
        JsonPath s = as("msp-a-analyst").get("/api/v1/customers/" + MATURE + "/summary").then().statusCode(200).extract().jsonPath();
        assertEquals(0, s.getInt("openAlerts"));
        assertEquals(3, s.getInt("baselines.MATURE"), "monitor, workstation, admin");
        JsonPath l = as("msp-a-analyst").get("/api/v1/customers/" + LEARNING + "/summary").then().statusCode(200).extract().jsonPath();
        assertEquals(3, l.getInt("baselines.LEARNING"));
        assertTrue(l.getInt("openAlerts") >= 1);
        assertEquals(l.getInt("openAlerts"), l.getList("open").stream().mapToInt(x -> ((Number) ((Map<?, ?>) x).get("count")).intValue()).sum());

        // The MSP summary carries the same figures for each customer, in one answer.
        JsonPath msp = as("msp-a-analyst").get("/api/v1/msps/msp-a/summary").then().statusCode(200).extract().jsonPath();
        for (JsonPath one : List.of(s, l)) {
            Map<String, Object> expected = new HashMap<>(one.getMap("$"));
            expected.remove("internalNetworks");
            expected.remove("networksFrom");
            assertEquals(expected, msp.getMap("customers.find { it.customerId == '" + one.getString("customerId") + "' }"));
        }
        assertEquals(msp.getList("customers.customerId").stream().sorted().toList(), msp.getList("customers.customerId"), "by id");
        as("platform-admin").get("/api/v1/msps/msp-a/summary").then().statusCode(200);
        as("msp-a-analyst").get("/api/v1/msps/msp-b/summary").then().statusCode(404);
    }

    @Test
    @Order(5)
    void aPortScanByTheMonitorAlertsWithItsBaselineComparison() throws Exception {
        prepared();
        Instant received = NOW.plusSeconds(5);
        Synthetic.flows(MATURE, 100).set("s", (MINUTE_NOW - 30) * 1000 + " + number * 20").set("received_s", received.getEpochSecond())
                .set("orig", "'" + MONITOR + "'").set("resp", "'10.1.1.1'").set("resp_port", "1000 + number").unanswered().insert();
        cycle.runTenant(MATURE, received.plusSeconds(1));
        List<Map<String, Object>> items = alerts(MATURE);
        assertEquals(1, items.size(), "alerts: " + items);
        assertEquals("VERTICAL", items.get(0).get("type"));
        JsonPath d = as("msp-a-analyst").get("/api/v1/customers/" + MATURE + "/alerts/" + items.get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("MATURE", d.getString("baseline.state"));
        String text = d.getString("baseline.text");
        assertTrue(text.contains("observed 108 failed targets in the last hour vs baseline p99 8 (above)"), text);
        assertTrue(text.contains("observed 102 distinct ports in the last hour vs baseline p99 2 (above)"), text);

        // Drill-down: the 100 probes behind it, paged from ClickHouse.
        JsonPath p1 = as("msp-a-analyst").get("/api/v1/customers/" + MATURE + "/alerts/" + items.get(0).get("id") + "/flows?limit=60")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(60, p1.getList("items").size());
        assertEquals("S0", p1.getString("items[0].connState"));
        JsonPath p2 = as("msp-a-analyst").get("/api/v1/customers/" + MATURE + "/alerts/" + items.get(0).get("id")
                + "/flows?limit=60&cursor=" + p1.getString("nextCursor")).then().statusCode(200).extract().jsonPath();
        assertEquals(40, p2.getList("items").size());
        assertEquals(null, p2.getString("nextCursor"));
        assertTrue(p2.getList("items.port").stream().noneMatch(p1.getList("items.port")::contains), "pages do not overlap");
    }
}
