package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Exported;
import io.vigil.detection.support.Judging;
import io.vigil.detection.support.Replay;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared captures' scans (../shared/pcaps/README.md) when a firewall reports them instead of a SPAN port: softflowd
 * reads each capture and exports NetFlow v9 or IPFIX (nfdump's nfreplay NetFlow v9 for two of them) to the built
 * sensor's collector ({@code vigil-sensor collect --stdout}), and the flows it stitches are stored and judged exactly
 * as {@link SharedCapturesIT} and {@link ScanAlertsIT} judge the capture metered from its packets (and two of the
 * project's captures as {@link ProjectCapturesIT} does). Each must raise the
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
        assertTrue(!flows.isEmpty(), "the collector stitched flows");
        String tenant = TestCustomers.create(pool, networks.length == 0 ? new String[] {"10.0.0.0/8"} : networks);
        Judging.atOnce(cycle, tenant, flows);
        return tenant;
    }

    /** A fresh tenant receiving the flows one by one at their own (shifted) times, a cycle after each (a slow scan). */
    private String slow(List<JsonNode> flows) throws Exception {
        String tenant = TestCustomers.create(pool, "10.0.0.0/8");
        Judging.oneByOne(cycle, tenant, flows);
        return tenant;
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
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("VERTICAL", a.get("type"));
        assertEquals("192.168.2.154", a.get("source"));
        assertEquals(10, a.get("portCount"));
        assertEquals("LATERAL", a.get("direction"));
        assertEquals(4, a.get("trwFailures"), "decided on the 4th failed probe, as from packets");
        assertEquals(List.of("192.168.2.22"), Judging.detail(tenant, a).getList("targets"));
        List<Map<String, Object>> flows = Judging.flows(tenant, a);
        assertTrue(!flows.isEmpty(), "the flows behind the alert");
        for (Map<String, Object> f : flows) {
            assertEquals("127.0.0.1", f.get("exporter"), "the exporter that reported it: " + f);
            assertEquals(1, f.get("samplingRate"), "softflowd counts every packet: " + f);
            assertEquals(null, f.get("zeekUid"), f.toString());
        }
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void zeroWindowSynScanIsHorizontalOnPort23Of10Hosts(String version) throws Exception {
        String tenant = fast(Exported.softflowd("ncsa_scan_with_zero_windows.pcap", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.1", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(List.of("23/tcp"), Judging.detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void synPingSweepIsOneHorizontalAlertOnPort80Of256Hosts(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-tcp_synPingSweepRand.pcapng", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertEquals(List.of("80/tcp"), Judging.detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void ackPingSweepIsAHostSweep(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-tcp_ackPingSweepRand.pcapng", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertTrue(((String) a.get("summary")).contains("(ACK ping)"), (String) a.get("summary"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void icmpEchoScanIsAHostSweep(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-icmpScan.pcapng", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertTrue((Integer) a.get("targetCount") >= 250, a.toString());
        assertTrue(((String) a.get("summary")).contains("(ICMP echo)"), (String) a.get("summary"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void udpProbesAcross96HostsAreAUdpScan(String version) throws Exception {
        String tenant = fast(Exported.softflowd("sgr_hs-udpScan.pcap", version), "246.237.103.0/24");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("UDP", a.get("type"));
        assertEquals(96, a.get("targetCount"));
        assertEquals(List.of("40125/udp"), Judging.detail(tenant, a).getList("ports"));
        assertEquals("INBOUND", a.get("direction"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void backscatterRaisesNothing(String version) throws Exception {
        String tenant = fast(Exported.softflowd("ncsa_backscatter.trace", version), "192.150.186.0/24");
        assertEquals(List.of(), Judging.alerts(tenant), "the victim of spoofed SYNs only answers: no scan");
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void slow445ScanOver1Point7HoursIsASlowHorizontalAlert(String version) throws Exception {
        String tenant = slow(Exported.softflowd("ncsa_445_scan.pcap", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("176.192.150.3", a.get("source"));
        assertEquals(9, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
        assertEquals(List.of("445/tcp"), Judging.detail(tenant, a).getList("ports"));
    }

    @ParameterizedTest(name = "NetFlow v{0}")
    @ValueSource(strings = {"9", "10"})
    void slowMultiportScanOver3Point7HoursIsASlowHorizontalAlert(String version) throws Exception {
        String tenant = slow(Exported.softflowd("ncsa_multiport_scan.pcap", version));
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("125.27.226.209", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
    }

    @Test
    void anAckScanIsAVerticalScanNamedForItsProbesAndKeepAlivesRaiseNothing() throws Exception {
        // The project's own captures (tests/captures): ACK probes answered by bare resets are RSTRH "Ar" from records
        // too; the keep-alives of idle connections are answered by ACKs ("Aa"), no probe.
        String scanned = fast(Exported.softflowd(Replay.ROOT.resolve("tests/captures/ack-scan.pcap"), "10"),
                "10.79.0.0/24");
        Map<String, Object> a = Judging.onlyAlert(scanned);
        assertEquals("VERTICAL", a.get("type"));
        assertEquals("10.79.0.66", a.get("source"));
        assertEquals(List.of("ACK_PING"), Judging.detail(scanned, a).getList("evidence.probes"));
        assertEquals(500, Judging.detail(scanned, a).getInt("portCount"));
        String idle = fast(Exported.softflowd(Replay.ROOT.resolve("tests/captures/tcp-keepalive.pcap"), "9"),
                "10.79.0.0/24");
        assertEquals(List.of(), Judging.alerts(idle));
    }

    @Test
    void nfdumpsNetflowV9GivesTheSameVerticalAndSlowAlerts() throws Exception {
        String vertical = fast(fromExporter(Exported.nfreplay("ncsa_port_scan.pcap")), "192.168.0.0/16");
        Map<String, Object> v = Judging.onlyAlert(vertical);
        assertEquals("VERTICAL", v.get("type"));
        assertEquals(10, v.get("portCount"));
        String slowScan = slow(Exported.nfreplay("ncsa_445_scan.pcap"));
        Map<String, Object> h = Judging.onlyAlert(slowScan);
        assertEquals("HORIZONTAL", h.get("type"));
        assertEquals(9, h.get("targetCount"));
        assertEquals(true, h.get("slow"));
    }
}
