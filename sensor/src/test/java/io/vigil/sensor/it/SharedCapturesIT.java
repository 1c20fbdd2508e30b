package io.vigil.sensor.it;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.IpText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Flow-level correctness on the public captures in ../shared/pcaps, cross-checked against argus (ra) on the same files
 * ({@link ArgusCheck} says what is compared and why not more), plus the states the scan captures must show.
 */
class SharedCapturesIT {

    @BeforeAll
    static void tools() {
        Tools.requireLibpcap();
        Tools.require("ra", "argus-client");
        Tools.require("argus", "argus-server");
    }

    static Stream<Path> captures() throws Exception {
        try (Stream<Path> files = Files.list(Tools.sharedPcaps())) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".md")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void connectionsPacketsEachWayAndStatesMatchArgus(Path capture, @TempDir Path tmp) throws Exception {
        ArgusCheck.crossCheck(capture, Tools.replay(MeterConfig.defaults(), capture), tmp);
    }

    @Test
    void scansLookLikeScans() throws Exception {
        Path pcaps = Tools.sharedPcaps();
        assertStates(pcaps.resolve("ncsa_port_scan.pcap"), Map.of(ConnState.S0, 10L));
        assertStates(pcaps.resolve("ncsa_scan_with_zero_windows.pcap"), Map.of(ConnState.S0, 10L));
        assertStates(pcaps.resolve("ncsa_445_scan.pcap"), Map.of(ConnState.S0, 9L));
        // The ACK ping sweep has no SYN at all: midstream traffic, OTH, 256 targets.
        assertStates(pcaps.resolve("sgr_hs-tcp_ackPingSweepRand.pcapng"), Map.of(ConnState.OTH, 256L));
        List<MeteredFlow> sweep = Tools.replay(MeterConfig.defaults(), pcaps.resolve("sgr_hs-tcp_synPingSweepRand.pcapng"));
        assertEquals(256, sweep.stream().map(f -> IpText.of(f.respAddr())).distinct().count(), "256 targets on 80/tcp");
        // Admin-prohibited answers arrive on another VLAN than the probes (a router trunk): with the VLAN out of the
        // key they are tied to their probes, which then count as rejected.
        List<MeteredFlow> multiport = Tools.replay(MeterConfig.defaults().withVlanInKey(false),
                pcaps.resolve("ncsa_multiport_scan.pcap"));
        assertEquals(6, multiport.stream().filter(f -> f.connState() == ConnState.REJ && f.icmpReply() == 0x030a).count());
        assertEquals(10, multiport.stream().filter(f -> f.protocol() == 6).count());
    }

    private static void assertStates(Path capture, Map<ConnState, Long> expected) throws Exception {
        Map<ConnState, Long> states = Tools.replay(MeterConfig.defaults(), capture).stream()
                .collect(Collectors.groupingBy(MeteredFlow::connState, Collectors.counting()));
        assertEquals(expected, states, capture.toString());
    }
}
