package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.support.Exported;
import io.vigil.detection.support.Findings;
import io.vigil.detection.support.Replay;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared captures' scans (../shared/pcaps/README.md) when a firewall reports them instead of a SPAN port: softflowd
 * reads each capture and exports NetFlow v9 or IPFIX (nfdump's nfreplay NetFlow v9 for two of them) to the built
 * sensor's collector ({@code vigil-sensor collect --stdout}), and the flows it stitches are stored and judged exactly
 * as {@link SharedCapturesIT} and {@link ScanAlertsIT} judge the capture metered from its packets. Each must raise the
 * same SmartAlert: same type, source, targets and ports. The sensor's DESIGN.md ("Flows from exporters") says what
 * flow records cannot carry and why none of it changes these verdicts.
 */
@QuarkusTest
class ExportedCapturesIT {

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    /** A fresh tenant holding the flows, received at once and judged by one cycle (a fast scan). */
    private String fast(List<JsonNode> flows, String... networks) throws Exception {
        String tenant = TestCustomers.create(pool, networks.length == 0 ? new String[] {"10.0.0.0/8"} : networks);
        assertTrue(!flows.isEmpty(), "the collector stitched flows");
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, flows, received, received.minusSeconds(30));
        cycle.runTenant(tenant, received.plusSeconds(1));
        return tenant;
    }

    /** A fresh tenant receiving the flows one by one at their own (shifted) times, a cycle after each (a slow scan). */
    private String slow(List<JsonNode> exported) throws Exception {
        String tenant = TestCustomers.create(pool, "10.0.0.0/8");
        List<JsonNode> flows = exported.stream().sorted(Comparator.comparingLong(f -> f.get("start_time_ms").asLong()))
                .toList();
        long last = flows.get(flows.size() - 1).get("end_time_ms").asLong();
        long shift = Instant.now().minusSeconds(60).toEpochMilli() - last;
        for (JsonNode f : flows) {
            Instant received = Instant.ofEpochMilli(f.get("end_time_ms").asLong() + shift).truncatedTo(ChronoUnit.SECONDS)
                    .plusSeconds(1);
            Replay.storeShifted(tenant, List.of(f), received, shift);
            for (var finding : cycle.runTenant(tenant, received.plusSeconds(1)).findings()) {
                assertEquals(DecidedBy.SLOW, Findings.decidedBy(finding), "one probe per cycle: only the slow path");
            }
        }
        return tenant;
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    private static Map<String, Object> onlyAlert(String tenant) {
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), "alerts: " + items);
        return items.get(0);
    }

    private static JsonPath detail(String tenant, Map<String, Object> alert) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + alert.get("id")).then()
                .statusCode(200).extract().jsonPath();
    }

    /** Every stitched flow names its exporter and says it was not sampled. */
    private static List<JsonNode> fromExporter(List<JsonNode> flows) {
        for (JsonNode f : flows) {
            assertEquals("127.0.0.1", f.get("exporter_addr").asText(), f.toString());
            assertEquals(1, f.get("sampling_rate").asInt());
        }
        return flows;
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void verticalPortScanIsOneVerticalAlertOf10Ports(String version) throws Exception {
        String tenant = fast(fromExporter(Exported.softflowd("ncsa_port_scan.pcap", version)), "192.168.0.0/16");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("VERTICAL", a.get("type"));
        assertEquals("192.168.2.154", a.get("source"));
        assertEquals(10, a.get("portCount"));
        assertEquals("LATERAL", a.get("direction"));
        assertEquals(4, a.get("trwFailures"), "decided on the 4th failed probe, as from packets");
        assertEquals(List.of("192.168.2.22"), detail(tenant, a).getList("targets"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void zeroWindowSynScanIsHorizontalOnPort23Of10Hosts(String version) throws Exception {
        String tenant = fast(Exported.softflowd("ncsa_scan_with_zero_windows.pcap", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.1", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(List.of("23/tcp"), detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void synPingSweepIsOneHorizontalAlertOnPort80Of256Hosts(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-tcp_synPingSweepRand.pcapng", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertEquals(List.of("80/tcp"), detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void ackPingSweepIsAHostSweep(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-tcp_ackPingSweepRand.pcapng", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertTrue(((String) a.get("summary")).contains("(ACK ping)"), (String) a.get("summary"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void icmpEchoScanIsAHostSweep(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-icmpScan.pcapng", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertTrue((Integer) a.get("targetCount") >= 250, a.toString());
        assertTrue(((String) a.get("summary")).contains("(ICMP echo)"), (String) a.get("summary"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void udpProbesAcross96HostsAreAUdpScan(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-udpScan.pcap", version), "246.237.103.0/24");
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("UDP", a.get("type"));
        assertEquals(96, a.get("targetCount"));
        assertEquals(List.of("40125/udp"), detail(tenant, a).getList("ports"));
        assertEquals("INBOUND", a.get("direction"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void backscatterRaisesNothing(String version) throws Exception {
        String tenant = fast(Exported.softflowd("ncsa_backscatter.trace", version), "192.150.186.0/24");
        assertEquals(List.of(), alerts(tenant), "the victim of spoofed SYNs only answers: no scan");
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void slow445ScanOver1Point7HoursIsASlowHorizontalAlert(String version) throws Exception {
        String tenant = slow(Exported.softflowd("ncsa_445_scan.pcap", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("176.192.150.3", a.get("source"));
        assertEquals(9, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
        assertEquals(List.of("445/tcp"), detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void slowMultiportScanOver3Point7HoursIsASlowHorizontalAlert(String version) throws Exception {
        String tenant = slow(Exported.softflowd("ncsa_multiport_scan.pcap", version));
        Map<String, Object> a = onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("125.27.226.209", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
    }

    @Test
    void nfdumpsNetflowV9GivesTheSameVerticalAndSlowAlerts() throws Exception {
        String vertical = fast(fromExporter(Exported.nfreplay("ncsa_port_scan.pcap")), "192.168.0.0/16");
        Map<String, Object> v = onlyAlert(vertical);
        assertEquals("VERTICAL", v.get("type"));
        assertEquals(10, v.get("portCount"));
        String slowScan = slow(Exported.nfreplay("ncsa_445_scan.pcap"));
        Map<String, Object> h = onlyAlert(slowScan);
        assertEquals("HORIZONTAL", h.get("type"));
        assertEquals(9, h.get("targetCount"));
        assertEquals(true, h.get("slow"));
    }
}
