package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's own captures (tests/captures, recorded by scripts/make-test-captures in network namespaces; the
 * README there says what each one is): scans that hide in IP fragments, an ACK scan, an ACK ping sweep, and their
 * benign look-alikes (idle TCP connections' keep-alives seen mid-stream, fragmented ping and UDP). Each is metered by
 * the real sensor, stored for a fresh tenant whose network is the capture's, and judged by one cycle.
 */
@QuarkusTest
class ProjectCapturesIT {

    static final String SCANNER = "10.79.0.66";
    static final String SERVER = "10.79.0.10";

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    private static String capture(String name) {
        return Replay.ROOT.resolve("tests/captures").resolve(name).toString();
    }

    /** A fresh tenant holding the capture's flows, judged by one cycle; the cycle's run. */
    private DetectionCycle.TenantRun judged(String tenant, String capture, String... replayOptions) throws Exception {
        List<JsonNode> flows = Replay.meter(capture(capture), replayOptions);
        assertTrue(!flows.isEmpty(), capture + " meters to flows");
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, flows, received, received.minusSeconds(60));
        return cycle.runTenant(tenant, received.plusSeconds(1));
    }

    private String tenant() {
        return TestCustomers.create(pool, "10.79.0.0/24");
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath()
                .getList("items");
    }

    /** The tenant's only alert, of {@code type} from the scanner; its detail. */
    private static JsonPath onlyAlert(String tenant, String type) {
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), "alerts: " + items);
        assertEquals(type, items.get(0).get("type"), items.get(0).toString());
        assertEquals(SCANNER, items.get(0).get("source"));
        assertEquals("RECONNAISSANCE", items.get(0).get("family"));
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + items.get(0).get("id")).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void aSynScanCutInto8ByteFragmentsIsOneVerticalScan() throws Exception {
        String t = tenant();
        judged(t, "frag-syn-scan.pcap");
        JsonPath a = onlyAlert(t, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertTrue(a.getInt("portCount") >= 298, "1-300 less the answered 22 and 80: " + a.getInt("portCount"));
        assertEquals(List.of("SYN"), a.getList("evidence.probes"), "the reassembled probes carry their SYN");
    }

    @Test
    void aSynScanCutInto16ByteFragmentsIsOneVerticalScan() throws Exception {
        String t = tenant();
        judged(t, "mtu16-syn-scan.pcap");
        JsonPath a = onlyAlert(t, "VERTICAL");
        assertTrue(a.getInt("portCount") >= 298, "ports: " + a.getInt("portCount"));
        assertEquals(List.of("SYN"), a.getList("evidence.probes"));
    }

    @Test
    void anAckScanOfOneHostIsAVerticalScanNamedForItsProbesNotAHostSweep() throws Exception {
        String t = tenant();
        judged(t, "ack-scan.pcap");
        JsonPath a = onlyAlert(t, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertEquals(500, a.getInt("portCount"));
        assertEquals(List.of("ACK_PING"), a.getList("evidence.probes"));
        assertTrue(a.getString("summary").startsWith(SCANNER + " probed 500 ports of " + SERVER + " with ACK probes in "),
                a.getString("summary"));
    }

    @Test
    void anAckPingSweepIsAHostSweep() throws Exception {
        String t = tenant();
        judged(t, "ack-ping-sweep.pcap");
        JsonPath a = onlyAlert(t, "HOST_SWEEP");
        assertEquals(40, a.getInt("targetCount"), "answered by a reset or not at all: every address was pinged");
        assertEquals(List.of("ACK_PING"), a.getList("evidence.probes"));
    }

    @Test
    void keepAlivesOfIdleConnectionsSeenMidStreamRaiseNothing() throws Exception {
        // As recorded (the sensor started after the connections), and with an idle timeout shorter than the keep-alive
        // interval, so that each keep-alive exchange is a flow of its own: ACK-only, answered by an ACK.
        for (String[] options : List.of(new String[0], new String[]{"--idle-timeout", "6s"})) {
            String t = tenant();
            DetectionCycle.TenantRun run = judged(t, "tcp-keepalive.pcap", options);
            assertTrue(run.attempts() == 0 && run.findings().isEmpty() && run.dropped().isEmpty(),
                    "no probe, no finding (" + String.join(" ", options) + "): " + run);
            assertEquals(List.of(), alerts(t));
        }
    }

    @Test
    void fragmentedPingAndUdpRaiseNothing() throws Exception {
        String t = tenant();
        DetectionCycle.TenantRun run = judged(t, "frag-benign.pcap");
        assertTrue(run.findings().isEmpty() && run.dropped().isEmpty(), run.toString());
        assertEquals(List.of(), alerts(t));
    }
}
