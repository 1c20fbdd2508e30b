package io.vigil.detection.family.lateral;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.baseline.service.BaselineService;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.edge.repository.EdgeStore;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.support.Synthetic;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lateral-movement family through the real cycle, ClickHouse and PostgreSQL: a customer's admin logins of eight
 * days ago teach the edge store; then a workstation's first RDP login to a server is a NEW_ADMIN_EDGE, a jump host's
 * new server is its routine, a password-guessing run from inside and one from the internet are brute force, and a
 * login the store learned in an earlier cycle is not new again. A customer with two days of history learns.
 */
@QuarkusTest
class LateralMovementIT {

    static final String JUMP = "10.1.0.5";
    static final String WORKSTATION = "10.1.0.21";
    static final String FILES = "10.1.0.10";
    static final String GUESSER = "10.1.0.66";
    static final String INTERNET = "203.0.113.9";

    @Inject
    DetectionCycle cycle;

    @Inject
    BaselineService baselines;

    @Inject
    EdgeStore edges;

    @Inject
    Pool pool;

    /** {@code n} sessions in which the service spoke, one a minute from {@code fromMs}, received at {@code received}. */
    static void logins(String tenant, String source, String target, int port, long n, long fromMs, long stepMs, long bytesOut,
                       Instant received) throws Exception {
        Synthetic.flows(tenant, n).set("s", fromMs + " + number * " + stepMs).set("received_s", received.getEpochSecond())
                .set("orig", "'" + source + "'").set("resp", target).set("resp_port", port).session(bytesOut, 4_000).insert();
    }

    /** A customer whose admin logins began {@code daysAgo} days ago: the jump host's rounds and the workstation's share. */
    String customerWithHistory(int daysAgo, Instant now) throws Exception {
        String tenant = TestCustomers.create(pool, "10.1.0.0/16");
        long from = now.minus(Duration.ofDays(daysAgo)).toEpochMilli();
        logins(tenant, JUMP, "concat('10.1.0.', toString(100 + number % 6))", 22, 60, from, 3_600_000, 5_000, now);
        logins(tenant, WORKSTATION, "'" + FILES + "'", 445, 20, from, 3_600_000, 9_000, now);
        cycle.runTenant(tenant, now.plusSeconds(1));
        baselines.refresh(tenant, now.plusSeconds(1));
        return tenant;
    }

    @Test
    void newEdgesAndGuessingAlertWhileRoutineAndKnownLoginsStayQuiet() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = customerWithHistory(8, now);
        assertEquals(7, edges.all(tenant).await().atMost(Duration.ofSeconds(10)).size(), "six rounds and one share learned");

        Instant later = now.plusSeconds(5);
        long at = later.minusSeconds(90).toEpochMilli();
        logins(tenant, WORKSTATION, "'10.1.0.30'", 3389, 1, at, 1, 6_000, later);
        logins(tenant, JUMP, "'10.1.0.106'", 22, 1, at, 1, 5_000, later);
        logins(tenant, WORKSTATION, "'" + FILES + "'", 445, 2, at, 1_000, 9_000, later);
        // The guesser scanned the file server's ports first.
        Synthetic.flows(tenant, 100).set("s", at - 60_000 + " + number * 100").set("received_s", later.getEpochSecond())
                .set("orig", "'" + GUESSER + "'").set("resp", "'" + FILES + "'").set("resp_port", "1000 + number").unanswered().insert();
        logins(tenant, GUESSER, "'" + FILES + "'", 22, 60, at, 1_000, 3_200, later);
        logins(tenant, INTERNET, "'" + FILES + "'", 22, 40, at, 1_500, 3_000, later);
        DetectionCycle.TenantRun run = cycle.runTenant(tenant, later.plusSeconds(1));

        Set<String> raised = run.findings().stream().map(f -> f.type() + " " + f.source()).collect(Collectors.toSet());
        assertEquals(Set.of("VERTICAL " + GUESSER, "NEW_ADMIN_EDGE " + WORKSTATION, "AUTH_BRUTE_FORCE " + GUESSER,
                "EXTERNAL_BRUTE_FORCE " + INTERNET), raised,
                "the jump host's new server and the known share raise nothing; the guesser's connections are guesses, no new edge");

        List<Map<String, Object>> lateral = as("msp-a-analyst").queryParam("family", "LATERAL_MOVEMENT")
                .get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(3, lateral.size(), lateral.toString());
        Map<String, Object> edge = lateral.stream().filter(a -> a.get("type").equals("NEW_ADMIN_EDGE") && a.get("source").equals(WORKSTATION))
                .findFirst().orElseThrow();
        assertEquals(WORKSTATION + " logged in to 10.1.0.30 over RDP (3389/tcp) for the first time", edge.get("summary"));
        assertEquals(List.of("T1021.001"), edge.get("mitre"));
        Map<String, Object> guessing = lateral.stream().filter(a -> a.get("type").equals("AUTH_BRUTE_FORCE")).findFirst().orElseThrow();
        assertEquals("CRITICAL", guessing.get("severity"), "HIGH, one band up: its source scanned first");
        assertTrue(((String) guessing.get("summary")).startsWith(GUESSER + " made 60 short, similar connections to SSH (22/tcp) of "
                + FILES), (String) guessing.get("summary"));
        assertTrue(((String) guessing.get("summary")).endsWith("the scanner is now logging in"), (String) guessing.get("summary"));
        // The scan and the guesser's logins name each other.
        Map<String, Object> scan = as("msp-a-analyst").queryParam("type", "VERTICAL").get("/api/v1/customers/" + tenant + "/alerts")
                .then().statusCode(200).extract().jsonPath().<Map<String, Object>>getList("items").get(0);
        assertEquals(List.of(guessing.get("id")), scan.get("related"));
        assertEquals(List.of(scan.get("id")), guessing.get("related"));
        assertEquals(List.of(), edge.get("related"), "the workstation scanned nothing");
        Map<String, Object> outside = lateral.stream().filter(a -> a.get("type").equals("EXTERNAL_BRUTE_FORCE")).findFirst().orElseThrow();
        assertEquals("LOW", outside.get("severity"));
        List<Map<String, Object>> byType = as("msp-a-analyst").queryParam("type", "NEW_ADMIN_EDGE")
                .get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, byType.size());

        // The store learned the new edge with the cycle's commit: the same login later is not new. It did not learn
        // the guesses: if one worked, the guesser's real login is still new.
        List<AdminEdge> learned = edges.all(tenant).await().atMost(Duration.ofSeconds(10));
        assertTrue(learned.stream().anyMatch(e -> e.source().equals(WORKSTATION) && e.target().equals("10.1.0.30") && e.service().equals("3389/tcp")));
        assertTrue(learned.stream().noneMatch(e -> e.source().equals(GUESSER)), learned.toString());
        Instant again = later.plusSeconds(5);
        logins(tenant, WORKSTATION, "'10.1.0.30'", 3389, 1, again.minusSeconds(30).toEpochMilli(), 1, 6_000, again);
        List<Finding> second = cycle.runTenant(tenant, again.plusSeconds(1)).findings();
        assertTrue(second.stream().noneMatch(f -> f.type() == AlertType.NEW_ADMIN_EDGE), second.toString());
    }

    @Test
    void aCustomerWithTwoDaysOfHistoryIsStillLearning() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = customerWithHistory(2, now);
        Instant later = now.plusSeconds(5);
        logins(tenant, WORKSTATION, "'10.1.0.30'", 3389, 1, later.minusSeconds(60).toEpochMilli(), 1, 6_000, later);
        List<Finding> found = cycle.runTenant(tenant, later.plusSeconds(1)).findings();
        assertEquals(List.of(), found);
        List<AdminEdge> learned = edges.all(tenant).await().atMost(Duration.ofSeconds(10));
        assertTrue(learned.stream().anyMatch(e -> e.target().equals("10.1.0.30")), "learning still remembers: " + learned);
    }
}
