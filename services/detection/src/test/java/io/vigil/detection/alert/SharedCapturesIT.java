package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.support.Findings;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other rows of ../shared/pcaps/README.md, each capture for its own fresh tenant: the expected single alert, of
 * the expected type. Fast scans are stored at once and judged by one cycle; slow scans are stored flow by flow at
 * their own (shifted) times with a cycle after each, as a live sensor would deliver them, so only the slow path over
 * the per-minute roll-up can see them.
 */
@QuarkusTest
class SharedCapturesIT {

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    private String tenant() {
        return tenant("10.0.0.0/8");
    }

    private String tenant(String... networks) {
        return TestCustomers.create(pool, networks);
    }

    private String fast(String capture, String... networks) throws Exception {
        String tenant = networks.length == 0 ? tenant() : tenant(networks);
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, Replay.meter(capture), received, received.minusSeconds(30));
        cycle.runTenant(tenant, received.plusSeconds(1));
        return tenant;
    }

    private String slow(String capture) throws Exception {
        String tenant = tenant();
        List<JsonNode> flows = Replay.meter(capture).stream()
                .sorted(Comparator.comparingLong(f -> f.get("start_time_ms").asLong())).toList();
        long last = flows.get(flows.size() - 1).get("end_time_ms").asLong();
        long shift = Instant.now().minusSeconds(60).toEpochMilli() - last;
        for (JsonNode f : flows) {
            Instant received = Instant.ofEpochMilli(f.get("end_time_ms").asLong() + shift).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            Replay.storeShifted(tenant, List.of(f), received, shift);
            for (var finding : cycle.runTenant(tenant, received.plusSeconds(1)).findings()) {
                assertEquals(DecidedBy.SLOW, Findings.decidedBy(finding), "one probe per cycle: only the slow path may decide");
            }
        }
        return tenant;
    }

    private static Map<String, Object> onlyAlert(String tenant) {
        List<Map<String, Object>> items = as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, items.size(), "alerts: " + items);
        return items.get(0);
    }

    private static JsonPath detail(String tenant, Map<String, Object> alert) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + alert.get("id"))
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void zeroWindowSynScanIsHorizontalOnPort23Of10Hosts() throws Exception {
        String tenant = fast("ncsa_scan_with_zero_windows.pcap");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.1", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(List.of("23/tcp"), detail(tenant, a).getList("ports"));
    }

    @Test
    void ackPingSweepIsAHostSweep() throws Exception {
        String tenant = fast("sgr_hs-tcp_ackPingSweepRand.pcapng");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertTrue(((String) a.get("summary")).contains("(ACK ping)"), (String) a.get("summary"));
    }

    @Test
    void icmpEchoScanIsAHostSweep() throws Exception {
        String tenant = fast("sgr_hs-icmpScan.pcapng");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertTrue((Integer) a.get("targetCount") >= 250, a.toString());
        assertTrue(((String) a.get("summary")).contains("(ICMP echo)"), (String) a.get("summary"));
    }

    @Test
    void udpProbesAcross96HostsAreAUdpScan() throws Exception {
        String tenant = fast("sgr_hs-udpScan.pcap", "246.237.103.0/24");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("UDP", a.get("type"));
        assertEquals(96, a.get("targetCount"));
        assertEquals(List.of("40125/udp"), detail(tenant, a).getList("ports"));
        assertEquals("INBOUND", a.get("direction"), "from outside into the tenant's 246.237.103.0/24");
        assertEquals(List.of("T1595"), a.get("mitre"));
    }

    @Test
    void slow445ScanOver1Point7HoursIsASlowHorizontalAlert() throws Exception {
        String tenant = slow("ncsa_445_scan.pcap");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("176.192.150.3", a.get("source"));
        assertEquals(9, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
        assertEquals(List.of("445/tcp"), detail(tenant, a).getList("ports"));
    }

    @Test
    void slowMultiportScanOver3Point7HoursIsASlowHorizontalAlert() throws Exception {
        String tenant = slow("ncsa_multiport_scan.pcap");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("125.27.226.209", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
    }
}
