package io.vigil.detection.rule;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.support.Synthetic;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Suppressions, customer and MSP-wide allow-lists, comments, the audit trail and the ack/resolve/reopen lifecycle,
 * through the REST API with real tokens, on horizontal SYN scans (30 hosts on one port, all unanswered) generated in
 * ClickHouse for a tenant of this run.
 */
@QuarkusTest
class RulesIT {

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    private String tenant() {
        return TestCustomers.create(pool, "10.1.0.0/16");
    }

    private static Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** A horizontal scan from {@code source} on {@code port}, received after every earlier one; returns the cycle's run. */
    private DetectionCycle.TenantRun scan(String tenant, String source, int port) throws Exception {
        clock = clock.plusSeconds(5);
        Synthetic.flows(tenant, 30).set("s", (clock.getEpochSecond() - 20) * 1000 + " + number * 10")
                .set("received_s", clock.getEpochSecond()).set("orig", "'" + source + "'")
                .set("resp", "concat('10.1.2.', toString(1 + number))").set("resp_port", port).unanswered().insert();
        return cycle.runTenant(tenant, clock.plusSeconds(1));
    }

    private static String rule(String tenant, String caller, String kind, String body) {
        return as(caller).body(body).post("/api/v1/customers/" + tenant + "/" + kind).then().statusCode(201)
                .header("Location", startsWith("http")).extract().path("id");
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath().getList("items");
    }

    @Test
    void suppressionDropsMatchingFindingsUntilChangedAndIsAudited() throws Exception {
        String t = tenant();
        String id = rule(t, "msp-a-analyst", "suppressions", "{\"sourceCidr\":\"10.1.0.66/32\",\"port\":22,\"type\":\"HORIZONTAL\","
                + "\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\",\"reason\":\"nightly inventory job\"}");
        DetectionCycle.TenantRun run = scan(t, "10.1.0.66", 22);
        assertEquals(List.of(), alerts(t));
        assertEquals(1, run.dropped().size(), run.toString());
        assertDropped(FindingGate.DropReason.SUPPRESSION, id, run.dropped().get(0));
        as("a1-viewer").get("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(404);
        as("msp-a-admin").get("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(200)
                .body("hits", equalTo(1)).body("active", equalTo(true)).body("createdBy", equalTo("msp-a-analyst"));

        // Another port is not covered.
        scan(t, "10.1.0.66", 23);
        assertEquals(1, alerts(t).size());

        // Moved to port 23: 22 alerts now, 23 is dropped; the audit has the change with before and after.
        as("msp-a-admin").body("{\"sourceCidr\":\"10.1.0.66/32\",\"port\":23,\"reason\":\"inventory job moved to telnet\","
                        + "\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}")
                .put("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(200).body("port", equalTo(23))
                .body("updatedBy", equalTo("msp-a-admin"));
        DetectionCycle.TenantRun after = scan(t, "10.1.0.66", 23);
        assertDropped(FindingGate.DropReason.SUPPRESSION, id, after.dropped().get(0));
        JsonPath audit = as("msp-a-analyst").get("/api/v1/customers/" + t + "/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("rule.update", "rule.create"), audit.getList("items.action"));
        assertEquals(22, audit.getInt("items[0].details.before.port"));
        assertEquals(23, audit.getInt("items[0].details.after.port"));
        assertEquals("msp-a-admin", audit.getString("items[0].actor"));

        as("msp-a-admin").delete("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(204);
        as("msp-a-admin").delete("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(404);
        as("msp-a-admin").get("/api/v1/customers/" + t + "/suppressions").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void expiredSuppressionNoLongerApplies() throws Exception {
        String t = tenant();
        String id = rule(t, "msp-a-admin", "suppressions", "{\"sourceCidr\":\"10.1.0.0/24\",\"expiresAt\":\""
                + Instant.now().plusSeconds(2) + "\",\"reason\":\"maintenance window\"}");
        Thread.sleep(2_500);
        scan(t, "10.1.0.67", 22);
        assertEquals(1, alerts(t).size());
        as("msp-a-admin").get("/api/v1/customers/" + t + "/suppressions/" + id).then().statusCode(200)
                .body("active", equalTo(false)).body("hits", equalTo(0));
    }

    @Test
    void customerAndMspWideAllowListsSilenceKnownScanners() throws Exception {
        String t = tenant();
        String own = rule(t, "msp-a-analyst", "allowlist", "{\"sourceCidr\":\"10.1.0.88\",\"reason\":\"Nessus of the customer\","
                + "\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}");
        String unique = "10.1.9." + (1 + (int) (Math.random() * 250));
        String wide = as("msp-a-admin").body("{\"sourceCidr\":\"" + unique + "/32\",\"reason\":\"MSP's own scanner\",\"permanent\":true}")
                .post("/api/v1/msps/msp-a/allowlist").then().statusCode(201).extract().path("id");
        try {
            assertDropped(FindingGate.DropReason.ALLOW_LIST, own, scan(t, "10.1.0.88", 22).dropped().get(0));
            assertDropped(FindingGate.DropReason.ALLOW_LIST, wide, scan(t, unique, 445).dropped().get(0));
            assertEquals(List.of(), alerts(t));
            // Another MSP does not see, nor can it remove, msp-a's list; a customer viewer of msp-a is refused it (403).
            as("msp-b-admin").get("/api/v1/msps/msp-a/allowlist").then().statusCode(404);
            as("a1-viewer").get("/api/v1/msps/msp-a/allowlist").then().statusCode(403);
            as("msp-b-admin").delete("/api/v1/msps/msp-a/allowlist/" + wide).then().statusCode(404);
            assertTrue(as("msp-a-analyst").get("/api/v1/msps/msp-a/allowlist").then().statusCode(200).extract()
                    .jsonPath().getList("id").contains(wide));
        } finally {
            as("msp-a-admin").delete("/api/v1/msps/msp-a/allowlist/" + wide).then().statusCode(204);
        }
        // Removed: the MSP's scanner alerts again.
        scan(t, unique, 446);
        assertEquals(1, alerts(t).size());
        // The MSP's own trail has both changes of its MSP-wide rule; nobody else reads it.
        JsonPath trail = as("msp-a-analyst").get("/api/v1/msps/msp-a/audit?limit=200").then().statusCode(200).extract().jsonPath();
        List<String> mine = trail.getList("items.findAll { it.target == '" + wide + "' }.action");
        assertEquals(List.of("rule.delete", "rule.create"), mine);
        as("msp-b-admin").get("/api/v1/msps/msp-a/audit").then().statusCode(404);
        as("a1-viewer").get("/api/v1/msps/msp-a/audit").then().statusCode(403);
    }

    @Test
    void rulesAreValidatedAndOnlyTriagingRolesChangeThem() {
        String t = tenant();
        String base = "/api/v1/customers/" + t;
        as("msp-a-admin").body("{\"sourceCidr\":\"10.1.0.300/32\",\"reason\":\"x\"}").post(base + "/suppressions").then().statusCode(400)
                .contentType("application/problem+json");
        as("msp-a-admin").body("{\"sourceCidr\":\"example.com\",\"reason\":\"x\"}").post(base + "/suppressions").then().statusCode(400);
        as("msp-a-admin").body("{\"sourceCidr\":\"10.1.0.1\",\"port\":22,\"reason\":\"x\"}").post(base + "/allowlist").then().statusCode(400);
        as("msp-a-admin").body("{\"sourceCidr\":\"10.1.0.1\",\"reason\":\"\"}").post(base + "/suppressions").then().statusCode(400);
        as("msp-a-admin").body("{\"sourceCidr\":\"10.1.0.1\",\"reason\":\"x\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .post(base + "/suppressions").then().statusCode(400);
        as("a1-viewer").body("{\"sourceCidr\":\"10.1.0.1\",\"reason\":\"x\"}").post("/api/v1/customers/a1/suppressions").then()
                .statusCode(403).contentType("application/problem+json");
        as("a1-viewer").get("/api/v1/customers/a1/suppressions").then().statusCode(200);
    }

    private static int post(String caller, String path, String cidr, String extra) {
        String body = "{\"sourceCidr\":\"" + cidr + "\",\"reason\":\"breadth check\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
        return as(caller).body(body).post(path).then().extract().statusCode();
    }

    /** An analyst could once allow-list 0.0.0.0/0 and blind detection for a customer, or for the whole MSP. */
    @Test
    void broadOrEndlessRulesAreAnAdminsDecisionAndNoneMayBlindDetection() {
        String t = tenant();
        String allow = "/api/v1/customers/" + t + "/allowlist";
        String suppress = "/api/v1/customers/" + t + "/suppressions";
        String until = "\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"";
        Map<String, Integer> got = new java.util.LinkedHashMap<>();
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        java.util.function.BiConsumer<String, int[]> check = (what, outcome) -> {
            got.put(what, outcome[0]);
            expected.put(what, outcome[1]);
        };
        check.accept("analyst 0.0.0.0/0", new int[]{post("msp-a-analyst", allow, "0.0.0.0/0", until), 400});
        check.accept("analyst ::/0", new int[]{post("msp-a-analyst", allow, "::/0", until), 400});
        check.accept("analyst suppression 0.0.0.0/0", new int[]{post("msp-a-analyst", suppress, "0.0.0.0/0", until), 400});
        check.accept("admin 0.0.0.0/0 confirmed", new int[]{post("msp-a-admin", allow, "0.0.0.0/0", until + ",\"confirmBroad\":true"), 400});
        check.accept("admin 10.0.0.0/7 confirmed", new int[]{post("msp-a-admin", allow, "10.0.0.0/7", until + ",\"confirmBroad\":true"), 400});
        check.accept("admin 2001:db8::/31 confirmed", new int[]{post("msp-a-admin", allow, "2001:db8::/31", until + ",\"confirmBroad\":true"), 400});
        check.accept("analyst 10.0.0.0/8", new int[]{post("msp-a-analyst", allow, "10.0.0.0/8", until), 400});
        check.accept("analyst 10.0.0.0/8 confirmed", new int[]{post("msp-a-analyst", allow, "10.0.0.0/8", until + ",\"confirmBroad\":true"), 403});
        check.accept("analyst fd00:1::/40 confirmed", new int[]{post("msp-a-analyst", allow, "fd00:1::/40", until + ",\"confirmBroad\":true"), 403});
        check.accept("analyst 10.1.0.0/16", new int[]{post("msp-a-analyst", allow, "10.1.0.0/16", until), 201});
        check.accept("analyst fd00:1::/48", new int[]{post("msp-a-analyst", allow, "fd00:1::/48", until), 201});
        check.accept("analyst no expiry", new int[]{post("msp-a-analyst", allow, "10.1.0.77", ""), 400});
        check.accept("analyst permanent", new int[]{post("msp-a-analyst", allow, "10.1.0.77", "\"permanent\":true"), 403});
        check.accept("admin permanent with expiry", new int[]{post("msp-a-admin", allow, "10.1.0.77", until + ",\"permanent\":true"), 400});
        check.accept("admin permanent", new int[]{post("msp-a-admin", allow, "10.1.0.77", "\"permanent\":true"), 201});
        check.accept("admin 10.0.0.0/8 confirmed", new int[]{post("msp-a-admin", allow, "10.0.0.0/8", until + ",\"confirmBroad\":true"), 201});
        assertEquals(expected, got);
        JsonPath list = as("msp-a-analyst").get(allow).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("msp-a-admin"), list.getList("findAll { it.sourceCidr == '10.0.0.0/8' }.broadConfirmedBy"));
        assertEquals(List.of(true), list.getList("findAll { it.sourceCidr == '10.1.0.77' }.permanent"));

        // MSP-wide rules reach every customer of the MSP: an analyst neither adds nor removes one.
        String msp = "/api/v1/msps/msp-a/allowlist";
        String mine = "192.0.2." + (1 + (int) (Math.random() * 250)) + "/32";
        int analyst = post("msp-a-analyst", msp, mine, until);
        String wide = as("msp-a-admin").body("{\"sourceCidr\":\"" + mine + "\",\"reason\":\"MSP scanner\"," + until + "}")
                .post(msp).then().extract().path("id");
        try {
            assertEquals(403, analyst, "an analyst adding an MSP-wide entry");
            as("msp-a-analyst").delete(msp + "/" + wide).then().statusCode(403).contentType("application/problem+json");
        } finally {
            for (Object id : as("msp-a-admin").get(msp).then().extract().jsonPath()
                    .getList("findAll { it.sourceCidr == '" + mine + "' }.id")) {
                as("msp-a-admin").delete(msp + "/" + id).then().statusCode(204);
            }
        }
    }

    /** A rule stored before the limits (or by hand) that covers everything is not honoured: the scan still alerts. */
    @Test
    void aStoredRuleBroaderThanAnyMayBeIsIgnored() throws Exception {
        String t = tenant();
        String id = "rl-old" + Long.toHexString(System.nanoTime());
        pool.preparedQuery("INSERT INTO detection.rules (id, kind, msp_id, customer_id, source_cidr, reason, created_by, created_at,"
                + " updated_by, updated_at) VALUES ($1, 'ALLOW', 'msp-a', $2, '0.0.0.0/0', 'from before the limits', 'it', now(),"
                + " 'it', now())").execute(Tuple.of(id, t)).await().indefinitely();
        DetectionCycle.TenantRun run = scan(t, "10.1.0.99", 22);
        assertEquals(List.of(), run.dropped(), "nothing dropped by the /0 entry");
        assertEquals(1, alerts(t).size());
        as("msp-a-analyst").get("/api/v1/customers/" + t + "/allowlist").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.active", equalTo(false));
    }

    /** The audit of a removed or changed rule says how many findings it dropped. */
    @Test
    void theAuditOfARuleShowsTheFindingsItDropped() throws Exception {
        String t = tenant();
        String id = rule(t, "msp-a-analyst", "allowlist", "{\"sourceCidr\":\"10.1.0.55/32\",\"reason\":\"scanner\","
                + "\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}");
        assertDropped(FindingGate.DropReason.ALLOW_LIST, id, scan(t, "10.1.0.55", 22).dropped().get(0));
        as("msp-a-admin").delete("/api/v1/customers/" + t + "/allowlist/" + id).then().statusCode(204);
        JsonPath audit = as("msp-a-analyst").get("/api/v1/customers/" + t + "/audit").then().statusCode(200).extract().jsonPath();
        assertEquals("rule.delete", audit.getString("items[0].action"));
        assertEquals(1, audit.getInt("items[0].details.hits"));
        assertTrue(audit.getString("items[0].details.lastHitAt") != null);
    }

    @Test
    void acknowledgeResolveCommentAndReopenOnNewActivity() throws Exception {
        String t = tenant();
        List<AlertChanged> changes = new java.util.ArrayList<>(scan(t, "10.1.0.99", 22).changes());
        List<Map<String, Object>> items = alerts(t);
        assertEquals(1, items.size());
        String id = items.get(0).get("id").toString();
        String base = "/api/v1/customers/" + t + "/alerts/" + id;
        assertEquals(List.of(AlertChanged.Change.OPENED), changes.stream().map(AlertChanged::change).toList());

        as("msp-a-analyst").post(base + "/ack").then().statusCode(200).body("status", equalTo("ACKNOWLEDGED"));
        as("msp-a-analyst").body("{\"body\":\"asset inventory? asked the customer\"}").post(base + "/comments").then().statusCode(201)
                .body("author", equalTo("msp-a-analyst"));
        as("msp-a-admin").post(base + "/resolve").then().statusCode(200).body("status", equalTo("RESOLVED"));
        as("msp-b-analyst").get(base + "/comments").then().statusCode(404);
        as("msp-a-admin").get(base + "/comments").then().statusCode(200).body("size()", equalTo(1))
                .body("[0].body", equalTo("asset inventory? asked the customer"));

        // New activity after the resolution reopens the same alert and announces it.
        changes.addAll(scan(t, "10.1.0.99", 22).changes());
        as("msp-a-analyst").get(base).then().statusCode(200).body("status", equalTo("OPEN")).body("reopenCount", equalTo(1))
                .body("attempts", equalTo(60));
        assertEquals(1, alerts(t).size(), "reopened, not duplicated");
        assertEquals(List.of(AlertChanged.Change.OPENED, AlertChanged.Change.REOPENED),
                changes.stream().map(AlertChanged::change).toList());

        JsonPath audit = as("msp-a-analyst").get("/api/v1/customers/" + t + "/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("alert.resolve", "alert.comment", "alert.acknowledge"), audit.getList("items.action"));
        assertEquals(List.of("msp-a-admin", "msp-a-analyst", "msp-a-analyst"), audit.getList("items.actor"));
        JsonPath page = as("msp-a-analyst").get("/api/v1/customers/" + t + "/audit?limit=2").then().statusCode(200).extract().jsonPath();
        as("msp-a-analyst").get("/api/v1/customers/" + t + "/audit?limit=2&cursor=" + page.getString("nextCursor")).then()
                .statusCode(200).body("items.size()", equalTo(1)).body("items[0].action", equalTo("alert.acknowledge"));
    }

    private static void assertDropped(FindingGate.DropReason reason, String ruleId, DetectionCycle.Dropped dropped) {
        assertEquals(reason, dropped.reason(), dropped.toString());
        assertEquals(ruleId, dropped.ruleId(), dropped.toString());
    }
}
