package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.model.Finding;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared captures metered by the real sensor, stored in the real ClickHouse for a tenant unique to this run (of MSP
 * msp-a), judged by one detection cycle, and read back through the REST API with real Keycloak tokens.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScanAlertsIT {

    static final String TENANT = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String BASE = "/api/v1/customers/" + TENANT + "/alerts";
    static List<JsonNode> portScan;
    static Instant until;
    static List<Finding> findings;
    static RuntimeException setupFailure;

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    /** The three captures stored and judged once for the whole class. */
    synchronized void replayed() throws Exception {
        if (findings != null) {
            return;
        }
        if (setupFailure != null) {
            throw setupFailure;
        }
        try {
            setUp();
        } catch (Exception e) {
            setupFailure = new IllegalStateException("setup failed: " + e, e);
            throw e;
        }
    }

    private void setUp() throws Exception {
        TestCustomers.named(pool, TENANT, "msp-a", "192.168.0.0/16", "10.0.0.0/8");
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        portScan = Replay.meter("ncsa_port_scan.pcap");
        Replay.store(TENANT, portScan, received, received.minusSeconds(30));
        Replay.store(TENANT, Replay.meter("sgr_hs-tcp_synPingSweepRand.pcapng"), received, received.minusSeconds(30));
        Replay.store(TENANT, Replay.meter("ncsa_backscatter.trace"), received, received.minusSeconds(30));
        until = received.plusSeconds(1);
        findings = cycle.runTenant(TENANT, until).findings();
    }

    private static JsonPath alertsAs(String caller, String query) {
        return as(caller).get(BASE + query).then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> alertOf(String caller, String type) {
        List<Map<String, Object>> items = alertsAs(caller, "?type=" + type).getList("items");
        assertEquals(1, items.size(), type + " alerts: " + items);
        return items.get(0);
    }

    @Test
    @Order(1)
    void portScanIsOneVerticalAlertOfTenPorts() throws Exception {
        replayed();
        Map<String, Object> a = alertOf("msp-a-analyst", "VERTICAL");
        assertEquals("192.168.2.154", a.get("source"));
        assertEquals(10, a.get("portCount"));
        assertEquals(1, a.get("targetCount"));
        assertEquals("OPEN", a.get("status"));
        assertEquals("LATERAL", a.get("direction"));
        assertEquals("HIGH", a.get("severity"));
        assertEquals(List.of("T1046"), a.get("mitre"));
        assertEquals(4, a.get("trwFailures"), "the sequential test decides on the 4th failed probe");
        assertTrue(((String) a.get("summary")).startsWith("192.168.2.154 probed 10 ports of 192.168.2.22 in "), (String) a.get("summary"));

        JsonPath detail = as("msp-a-analyst").get(BASE + "/" + a.get("id")).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("192.168.2.22"), detail.getList("targets"));
        assertEquals(10, detail.getList("ports").size());
        assertTrue(detail.getList("ports").contains("22/tcp"));
        assertEquals(1.0, detail.getDouble("failedRatio"));
        assertTrue(detail.getList("samples").size() >= 5);
    }

    @Test
    @Order(2)
    void synPingSweepIsOneHorizontalAlertOnPort80Of256Hosts() throws Exception {
        replayed();
        Map<String, Object> a = alertOf("msp-a-admin", "HORIZONTAL");
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertEquals(1, a.get("portCount"));
        JsonPath detail = as("msp-a-admin").get(BASE + "/" + a.get("id")).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("80/tcp"), detail.getList("ports"));
        assertTrue(((String) a.get("summary")).startsWith("10.0.0.128 probed 256 hosts on 80/tcp in "), (String) a.get("summary"));
    }

    @Test
    @Order(3)
    void backscatterRaisesNothingAndNoOtherAlertExists() throws Exception {
        replayed();
        List<Map<String, Object>> items = alertsAs("msp-a-analyst", "").getList("items");
        assertEquals(2, items.size(), "alerts: " + items);
        assertTrue(items.stream().noneMatch(a -> a.get("source").equals("202.229.120.98")));
        assertEquals(2, findings.size(), "findings: " + findings);
    }

    @Test
    @Order(4)
    void listIsPagedWithACursorAndFiltered() throws Exception {
        replayed();
        JsonPath first = alertsAs("msp-a-analyst", "?limit=1");
        assertEquals(1, first.getList("items").size());
        String cursor = first.getString("nextCursor");
        assertNotNull(cursor);
        JsonPath second = alertsAs("msp-a-analyst", "?limit=1&cursor=" + cursor);
        assertEquals(1, second.getList("items").size());
        assertNull(second.getString("nextCursor"));
        assertTrue(!first.getString("items[0].id").equals(second.getString("items[0].id")));
        assertEquals(1, alertsAs("msp-a-analyst", "?source=10.0.0.128").getList("items").size());
        assertEquals(0, alertsAs("msp-a-analyst", "?status=RESOLVED").getList("items").size());
        assertEquals(List.of("RECONNAISSANCE", "RECONNAISSANCE"), alertsAs("msp-a-analyst", "?family=RECONNAISSANCE").getList("items.family"));
        assertEquals(0, alertsAs("msp-a-analyst", "?family=COMMAND_AND_CONTROL").getList("items").size(), "no alert of that family");
        as("msp-a-analyst").get(BASE + "?family=SCANS").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://vigil.io/problems/validation"))
                .body("detail", equalTo("family: 'SCANS' is not one of RECONNAISSANCE, COMMAND_AND_CONTROL, LATERAL_MOVEMENT,"
                        + " EXFILTRATION, ASSET"));
        as("msp-a-analyst").get(BASE + "?type=PORTSCAN").then().statusCode(400).contentType("application/problem+json");
        as("msp-a-analyst").get(BASE + "?cursor=bogus").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("https://vigil.io/problems/validation"));
    }

    @Test
    @Order(4)
    void theMspListPagesThroughEveryCustomerOfTheMspNewestFirst() throws Exception {
        replayed();
        String msp = "/api/v1/msps/msp-a/alerts";
        List<String> ours = alertsAs("msp-a-analyst", "").getList("items.id");
        // The newest alerts of msp-a's customers: ours are among the first pages (other runs' tenants share msp-a).
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10 && !seen.containsAll(ours); page++) {
            JsonPath p = as("msp-a-analyst").get(msp + "?limit=20&status=OPEN" + (cursor == null ? "" : "&cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(p.getList("items.id"));
            assertTrue(p.getList("items.status").stream().allMatch("OPEN"::equals), "filtered: " + p.getList("items.status"));
            cursor = p.getString("nextCursor");
            if (cursor == null) {
                break;
            }
        }
        assertTrue(seen.containsAll(ours), "ours " + ours + " in " + seen);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no alert twice across pages");
        JsonPath vertical = as("platform-admin").get(msp + "?type=VERTICAL&source=192.168.2.154&limit=200").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(vertical.getList("items.customerId").contains(TENANT), "platform-admin: " + vertical.getList("items.customerId"));
        assertTrue(vertical.getList("items.type").stream().allMatch("VERTICAL"::equals));
        JsonPath other = as("msp-b-analyst").get("/api/v1/msps/msp-b/alerts?limit=200&source=192.168.2.154").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(!other.getList("items.customerId").contains(TENANT), "msp-b sees none of msp-a's alerts");
        as("msp-a-analyst").get(msp + "?limit=0").then().statusCode(400).contentType("application/problem+json");
        as("msp-a-analyst").get(msp + "?cursor=bogus").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    @Order(5)
    void anotherMspOrCustomerSeesNothingOfIt() throws Exception {
        replayed();
        String id = alertOf("msp-a-analyst", "VERTICAL").get("id").toString();
        for (String caller : List.of("msp-b-analyst", "msp-b-admin", "a1-viewer", "b1-viewer")) {
            as(caller).get(BASE).then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("https://vigil.io/problems/not-found"));
            as(caller).get(BASE + "/" + id).then().statusCode(404);
            as(caller).post(BASE + "/" + id + "/ack").then().statusCode(404);
            as(caller).post(BASE + "/" + id + "/resolve").then().statusCode(404);
        }
        as("platform-admin").get(BASE + "/" + id).then().statusCode(200);
        as("anonymous").get(BASE).then().statusCode(401).contentType("application/problem+json");
        as("client:sensor-a1").get(BASE).then().statusCode(403).contentType("application/problem+json");
        as("msp-a-analyst").get(BASE + "/al-doesnotexist").then().statusCode(404);
    }

    @Test
    @Order(5)
    void customerViewerSeesOnlyItsOwnTenantAndCannotTriage() {
        // An alert of the dev customer a1 put straight into this module's table (a unique source per run), so no
        // scan data has to be written for a1 in ClickHouse, where the demo and other tests read it.
        String source = "2001:db8::" + UUID.randomUUID().toString().substring(0, 4) + ":" + UUID.randomUUID().toString().substring(0, 4);
        String id = "al-it" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("INSERT INTO detection.alerts (id, customer_id, msp_id, family, type, source, status, severity, score,"
                        + " direction, slow, mitre, summary, targets, target_count, ports, port_count, attempts, failed, answered,"
                        + " trw_failures, first_seen, last_seen, samples, created_at, updated_at) VALUES ($1, 'a1', 'msp-a', 'RECONNAISSANCE',"
                        + " 'HORIZONTAL', $2, 'OPEN', 'MEDIUM', 45, 'INBOUND', false, '{T1595}', 'test', '{10.1.0.1}', 1, '{22/tcp}',"
                        + " 1, 4, 4, 0, 4, now(), now(), '[]', now(), now()) ON CONFLICT (customer_id, type, source) DO NOTHING")
                .execute(Tuple.of(id, source)).await().indefinitely();
        String a1 = "/api/v1/customers/a1/alerts";
        as("a1-viewer").get(a1 + "?source=" + source).then().statusCode(200).body("items.size()", equalTo(1));
        as("a1-viewer").get(a1 + "/" + id).then().statusCode(200).body("source", equalTo(source));
        as("a1-viewer").post(a1 + "/" + id + "/ack").then().statusCode(403).contentType("application/problem+json");
        as("msp-a-analyst").get(a1 + "/" + id).then().statusCode(200);
        for (String caller : List.of("a2-viewer", "b1-viewer", "msp-b-analyst")) {
            as(caller).get(a1).then().statusCode(404);
            as(caller).get(a1 + "/" + id).then().statusCode(404);
        }
        // The alert's customer in the path must match: a1's alert is not reachable through another customer of msp-a.
        as("msp-a-analyst").get("/api/v1/customers/a2/alerts/" + id).then().statusCode(404);
    }

    @Test
    @Order(6)
    void acknowledgeResolveAndReopenOnNewActivity() throws Exception {
        replayed();
        String id = alertOf("msp-a-analyst", "VERTICAL").get("id").toString();
        String horizontal = alertOf("msp-a-analyst", "HORIZONTAL").get("id").toString();
        // Newer flows of the horizontal scan (as a cycle would merge them) put it at the top of the list.
        pool.preparedQuery("UPDATE detection.alerts SET last_seen = last_seen + interval '1 second' WHERE id = $1")
                .execute(Tuple.of(horizontal)).await().indefinitely();
        assertEquals(List.of(horizontal, id), alertsAs("msp-a-analyst", "").getList("items.id"), "latest activity first");

        as("msp-a-analyst").post(BASE + "/" + id + "/ack").then().statusCode(200)
                .body("status", equalTo("ACKNOWLEDGED")).body("acknowledgedBy", equalTo("msp-a-analyst"));
        as("msp-a-admin").post(BASE + "/" + id + "/resolve").then().statusCode(200)
                .body("status", equalTo("RESOLVED")).body("resolvedBy", equalTo("msp-a-admin"));
        as("msp-a-admin").post(BASE + "/" + id + "/ack").then().statusCode(409).contentType("application/problem+json");
        assertEquals(List.of(horizontal, id), alertsAs("msp-a-analyst", "").getList("items.id"), "triage moves no alert");

        // Nothing new: another cycle over the same marks judges no batch and the alert stays resolved.
        DetectionCycle.TenantRun idle = cycle.runTenant(TENANT, until);
        assertEquals(0, idle.batchCount());
        assertEquals(0, idle.attempts());
        assertEquals("RESOLVED", as("msp-a-analyst").get(BASE + "/" + id).then().extract().path("status"));

        // The same scan again, after the resolution, as the sensor's next batch: the alert reopens and grows.
        Instant received = until.plusSeconds(5);
        Replay.store(TENANT, portScan, received, Instant.now().plusSeconds(1));
        DetectionCycle.TenantRun again = cycle.runTenant(TENANT, received.plusSeconds(1));
        assertEquals(1, again.batchCount(), "the second cycle judges only the new batch: " + again.batches());
        JsonPath a = as("msp-a-analyst").get(BASE + "/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("OPEN", a.getString("status"));
        assertEquals(1, a.getInt("reopenCount"));
        assertEquals(20, a.getInt("attempts"));
        assertEquals(10, a.getInt("portCount"));
        assertEquals(List.of(id, horizontal), alertsAs("msp-a-analyst", "").getList("items.id"),
                "reopened, not duplicated, and first again");
        JsonPath first = alertsAs("msp-a-analyst", "?limit=1");
        assertEquals(List.of(id), first.getList("items.id"));
        assertEquals(List.of(horizontal), alertsAs("msp-a-analyst", "?limit=1&cursor=" + first.getString("nextCursor")).getList("items.id"),
                "the cursor follows the activity order");
    }
}
