package io.vigil.detection.alert;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Judging;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
        Judging.atOnce(cycle, tenant, Replay.meter(capture));
        return tenant;
    }

    private String slow(String capture) throws Exception {
        String tenant = tenant();
        Judging.oneByOne(cycle, tenant, Replay.meter(capture));
        return tenant;
    }

    @Test
    void zeroWindowSynScanIsHorizontalOnPort23Of10Hosts() throws Exception {
        String tenant = fast("ncsa_scan_with_zero_windows.pcap");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("10.0.0.1", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(List.of("23/tcp"), Judging.detail(tenant, a).getList("ports"));
    }

    @Test
    void ackPingSweepIsAHostSweep() throws Exception {
        String tenant = fast("sgr_hs-tcp_ackPingSweepRand.pcapng");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertEquals(256, a.get("targetCount"));
        assertTrue(((String) a.get("summary")).contains("(ACK ping)"), (String) a.get("summary"));
    }

    @Test
    void icmpEchoScanIsAHostSweep() throws Exception {
        String tenant = fast("sgr_hs-icmpScan.pcapng");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HOST_SWEEP", a.get("type"));
        assertEquals("10.0.0.128", a.get("source"));
        assertTrue((Integer) a.get("targetCount") >= 250, a.toString());
        assertTrue(((String) a.get("summary")).contains("(ICMP echo)"), (String) a.get("summary"));
    }

    @Test
    void udpProbesAcross96HostsAreAUdpScan() throws Exception {
        String tenant = fast("sgr_hs-udpScan.pcap", "246.237.103.0/24");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("UDP", a.get("type"));
        assertEquals(96, a.get("targetCount"));
        assertEquals(List.of("40125/udp"), Judging.detail(tenant, a).getList("ports"));
        assertEquals("INBOUND", a.get("direction"), "from outside into the tenant's 246.237.103.0/24");
        assertEquals(List.of("T1595"), a.get("mitre"));
    }

    @Test
    void slow445ScanOver1Point7HoursIsASlowHorizontalAlert() throws Exception {
        String tenant = slow("ncsa_445_scan.pcap");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("176.192.150.3", a.get("source"));
        assertEquals(9, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
        assertEquals(List.of("445/tcp"), Judging.detail(tenant, a).getList("ports"));
    }

    @Test
    void slowMultiportScanOver3Point7HoursIsASlowHorizontalAlert() throws Exception {
        String tenant = slow("ncsa_multiport_scan.pcap");
        Map<String, Object> a = Judging.onlyAlert(tenant);
        assertEquals("HORIZONTAL", a.get("type"));
        assertEquals("125.27.226.209", a.get("source"));
        assertEquals(10, a.get("targetCount"));
        assertEquals(true, a.get("slow"));
    }
}
