package io.vigil.sensor.it;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.IpText;
import io.vigil.sensor.collect.Cidr;
import io.vigil.sensor.collect.CollectorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The collector against real exporters: every shared capture metered by the sensor directly, and exported by
 * softflowd (NetFlow v5, v9, IPFIX) or nfdump (nfpcapd, then nfreplay as v5 and v9) to the collector, agree on every
 * connection's packets and bytes each way, and on its originator and conn_state, within what NetFlow explains
 * (DESIGN.md, "Flows from exporters": an ICMP error is a flow of its own, so a probe it answered is S0 rather than the
 * meter's REJ with icmp_reply).
 */
class FlowExportersIT {

    /** The meter keyed without VLAN, as the collector keys: exporters report a connection's two directions as one. */
    static final MeterConfig METER = MeterConfig.defaults().withVlanInKey(false);

    @BeforeAll
    static void tools() {
        Tools.requireLibpcap();
        Tools.require("softflowd", "softflowd");
        Tools.require("nfreplay", "nfdump");
    }

    static Stream<Arguments> capturesAndExporters() throws Exception {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Tools.sharedPcaps())) {
            for (Path f : files.filter(f -> !f.toString().endsWith(".md")).sorted().toList()) {
                for (String exporter : List.of("softflowd v9", "softflowd v10", "softflowd v5", "nfreplay v9")) {
                    out.add(Arguments.of(f.getFileName().toString(), exporter));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("capturesAndExporters")
    void exportedRecordsGiveTheConnectionsTheSensorMeters(String capture, String exporter, @TempDir Path tmp)
            throws Exception {
        Path pcap = Tools.sharedPcaps().resolve(capture);
        List<MeteredFlow> metered = new ArrayList<>();
        FlowMeter meter = new FlowMeter(METER, metered::add);
        new Replay(meter, Replay.Speed.MAX, null).run(List.of(pcap));
        String[] e = exporter.split(" ");
        // -a: softflowd stamps records with the capture's own times; without it, with its start time (see DESIGN.md).
        Exporting.Run run = e[0].equals("softflowd")
                ? Exporting.softflowd(pcap, e[1].substring(1), METER, "-a")
                : Exporting.nfreplay(pcap, e[1].substring(1), METER, tmp);
        List<MeteredFlow> collected = run.flows();
        boolean v5 = e[1].equals("v5");

        // Packets and bytes each way per connection, ICMP errors aside (the meter ties them to the flow they answer
        // and counts them there nowhere; an exporter makes them records of their own). softflowd counts a packet's
        // bytes after the link header, so short frames add their Ethernet padding (a 40-byte SYN in a 60-byte frame
        // counts 46); the sensor and nfdump count the IP length. v5 carries IPv4 only.
        Map<String, long[]> direct = directions(metered.stream().filter(f -> !icmpError(f)).toList(), v5);
        Map<String, long[]> viaExporter = directions(collected.stream().filter(f -> !icmpError(f)).toList(), v5);
        assertEquals("", differences(direct, viaExporter, e[0].equals("softflowd") ? 26 : 0),
                capture + " via " + exporter + ": packets and bytes each way");
        long errorPackets = collected.stream().filter(FlowExportersIT::icmpError)
                .mapToLong(f -> f.origPackets() + f.respPackets()).sum();
        long meteredErrors = meter.counters().icmpErrorsMatched + metered.stream().filter(FlowExportersIT::icmpError)
                .mapToLong(f -> f.origPackets() + f.respPackets()).sum();
        assertEquals(meteredErrors, errorPackets, "ICMP errors: tied to their flow by the meter, records of their own "
                + "from an exporter");

        // Originator and conn_state of each connection that both made one flow of.
        Map<String, List<MeteredFlow>> byKeyDirect = byConnection(metered, v5);
        Map<String, List<MeteredFlow>> byKeyExported = byConnection(collected, v5);
        int compared = 0;
        for (var entry : byKeyDirect.entrySet()) {
            List<MeteredFlow> other = byKeyExported.get(entry.getKey());
            if (entry.getValue().size() != 1 || other == null || other.size() != 1) {
                continue;
            }
            MeteredFlow m = entry.getValue().get(0);
            MeteredFlow x = other.get(0);
            compared++;
            String what = capture + " via " + exporter + ", " + entry.getKey();
            assertEquals(IpText.of(m.origAddr()), IpText.of(x.origAddr()), what + ": originator");
            ConnState expected = m.connState() == ConnState.REJ && m.icmpReply() != 0 && m.respPackets() == 0
                    ? ConnState.S0 : m.connState();
            if (m.protocol() == 6 || m.protocol() == 17) {
                assertEquals(expected, x.connState(), what + ": conn_state (meter " + m.history() + ", records "
                        + x.history() + ")");
            }
            assertEquals(m.origTcpFlags(), x.origTcpFlags(), what + ": originator's flags");
            // Times agree to the ms, but in NetFlow v9 from softflowd: its header's clock has whole seconds, so its
            // uptime stamps (which count from the header's time) are off by the same fraction of a second. And in
            // ncsa_445_scan.pcap, whose packets are out of time order, exporters start a flow at its first packet
            // read where the meter takes the earliest.
            long tolerance = exporter.equals("softflowd v9") ? 1000 : 1;
            boolean ordered = !capture.equals("ncsa_445_scan.pcap");
            assertTrue((!ordered || Math.abs(m.startMicros() / 1000 - x.startMicros() / 1000) <= tolerance)
                    && Math.abs(m.endMicros() / 1000 - x.endMicros() / 1000) <= tolerance,
                    what + ": times " + m + " vs " + x);
        }
        // Flow counts follow the exporter's own timeouts: records within the idle timeout are merged again, but a
        // record is never split, so a connection makes at most as many flows as the meter made of it.
        for (var entry : byKeyExported.entrySet()) {
            List<MeteredFlow> m = byKeyDirect.get(entry.getKey());
            boolean error = icmpError(entry.getValue().get(0));
            // ICMP errors the meter could not tie to a flow (it had already left) are flows there too.
            assertTrue(m == null ? error : entry.getValue().size() <= m.size(),
                    capture + " via " + exporter + ", " + entry.getKey() + ": " + entry.getValue().size()
                            + " flows collected, " + (m == null ? 0 : m.size()) + " metered");
        }
        assertTrue(compared > 0, "some connections are one flow on both sides");
        System.out.printf("%s via %s: %d flows metered, %d collected (%d ICMP errors among them), %d compared one to "
                + "one%n", capture, exporter, metered.size(), collected.size(),
                collected.stream().filter(FlowExportersIT::icmpError).count(), compared);
    }

    @Test
    void softflowdsSamplingIsAppliedToTheCountsAndRecordedOnEveryFlow() throws Exception {
        Path pcap = Tools.sharedPcaps().resolve("sgr_hs-tcp_synPingSweepRand.pcapng");
        long packets = Tools.replay(METER, pcap).stream().mapToLong(f -> f.origPackets() + f.respPackets()).sum();
        // softflowd -s 4 takes every fourth packet and says so in an options record scoped to its interface.
        List<MeteredFlow> sampled = Exporting.softflowd(pcap, "9", METER, "-a", "-s", "4").flows();
        assertTrue(sampled.stream().allMatch(f -> f.source().samplingRate() == 4), "every flow records 1 in 4");
        long estimated = sampled.stream().mapToLong(f -> f.origPackets() + f.respPackets()).sum();
        assertTrue(Math.abs(estimated - packets) < 4, estimated + " estimated from a quarter of " + packets);
    }

    @Test
    void anExporterRestartedBetweenTwoCapturesIsCountedAndBothDecode() throws Exception {
        Path first = Tools.sharedPcaps().resolve("ncsa_port_scan.pcap");
        Path second = Tools.sharedPcaps().resolve("ncsa_scan_with_zero_windows.pcap");
        Exporting.Run run = Exporting.collect(Exporting.config(), METER, port -> List.of("sh", "-c",
                "softflowd -r " + first + " -n 127.0.0.1:" + port + " -v 9 -d -a && softflowd -r " + second
                        + " -n 127.0.0.1:" + port + " -v 9 -d -a"));
        assertEquals(20, run.flows().size(), "10 probes from each run");
        var exporter = run.collector().exporters().all().get(0);
        assertEquals(1, exporter.restarts, "the second softflowd starts its sequence again");
        assertEquals(0, exporter.lost);
    }

    @Test
    void twoFirewallsExportingTheSameTrafficAreNeverStitchedTogether() throws Exception {
        assumeTrue(Tools.isRoot(), "network namespaces need root");
        Path pcap = Tools.sharedPcaps().resolve("sgr_hs-tcp_synPingSweepRand.pcapng");
        List<String> namespaces = List.of("vfw1", "vfw2");
        try {
            for (int i = 0; i < 2; i++) {
                String ns = namespaces.get(i);
                Tools.run(10, "ip", "netns", "add", ns);
                Tools.run(10, "ip", "link", "add", ns + "-up", "type", "veth", "peer", "name", "eth0", "netns", ns);
                Tools.run(10, "ip", "addr", "add", "10.199." + (i + 1) + ".1/24", "dev", ns + "-up");
                Tools.run(10, "ip", "link", "set", ns + "-up", "up");
                Tools.run(10, "ip", "-n", ns, "addr", "add", "10.199." + (i + 1) + ".2/24", "dev", "eth0");
                Tools.run(10, "ip", "-n", ns, "link", "set", "eth0", "up");
            }
            CollectorConfig any = Exporting.config().withListen(List.of(new InetSocketAddress("0.0.0.0", 0)))
                    .withExporters(List.of(Cidr.parse("10.199.0.0/16")));
            // The first firewall speaks NetFlow v9, the second IPFIX, to the same port, at the same time.
            Exporting.Run run = Exporting.collect(any, METER, port -> List.of("sh", "-c",
                    "ip netns exec vfw1 softflowd -r " + pcap + " -n 10.199.1.1:" + port + " -v 9 -d -a & "
                            + "ip netns exec vfw2 softflowd -r " + pcap + " -n 10.199.2.1:" + port + " -v 10 -d -a & "
                            + "wait"));
            Map<String, List<MeteredFlow>> byExporter = new TreeMap<>();
            for (MeteredFlow f : run.flows()) {
                byExporter.computeIfAbsent(IpText.of(f.source().exporter()), k -> new ArrayList<>()).add(f);
            }
            assertEquals(List.of("10.199.1.2", "10.199.2.2"), List.copyOf(byExporter.keySet()));
            List<MeteredFlow> metered = Tools.replay(METER, pcap);
            for (List<MeteredFlow> flows : byExporter.values()) {
                assertEquals(metered.size(), flows.size());
                assertEquals(differences(directions(metered, false), directions(flows, false), 0), "");
            }
        } finally {
            for (String ns : namespaces) {
                new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
                new ProcessBuilder("ip", "link", "del", ns + "-up").start().waitFor();
            }
        }
    }

    static boolean icmpError(MeteredFlow f) {
        int t = f.icmpType();
        return f.protocol() == 1 && (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
                || f.protocol() == 58 && t >= 1 && t <= 4;
    }

    /** Per (sender, receiver, protocol, ports): packets and bytes sent, over every flow. */
    static Map<String, long[]> directions(List<MeteredFlow> flows, boolean v4Only) {
        Map<String, long[]> out = new TreeMap<>();
        for (MeteredFlow f : flows) {
            if (v4Only && f.ipVersion() == 6) {
                continue;
            }
            add(out, f.origAddr(), f.origPort(), f.respAddr(), f.respPort(), f, f.origPackets(), f.origBytes());
            add(out, f.respAddr(), f.respPort(), f.origAddr(), f.origPort(), f, f.respPackets(), f.respBytes());
        }
        return out;
    }

    private static void add(Map<String, long[]> out, byte[] src, int sport, byte[] dst, int dport, MeteredFlow f,
                            long packets, long bytes) {
        if (packets == 0) {
            return;
        }
        long[] v = out.computeIfAbsent(f.protocol() + " " + IpText.of(src) + ":" + sport + " > " + IpText.of(dst) + ":"
                + dport, k -> new long[2]);
        v[0] += packets;
        v[1] += bytes;
    }

    static Map<String, List<MeteredFlow>> byConnection(List<MeteredFlow> flows, boolean v4Only) {
        Map<String, List<MeteredFlow>> out = new TreeMap<>();
        for (MeteredFlow f : flows) {
            if (v4Only && f.ipVersion() == 6) {
                continue;
            }
            String a = IpText.of(f.origAddr()) + ":" + f.origPort();
            String b = IpText.of(f.respAddr()) + ":" + f.respPort();
            String key = f.protocol() + " " + (a.compareTo(b) < 0 ? a + " " + b : b + " " + a)
                    + (f.protocol() == 1 || f.protocol() == 58 ? " icmp " + f.icmpType() : "");
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        return out;
    }

    /**
     * The directions whose packets differ, or whose bytes differ by more than {@code padding} per packet, as
     * "key: metered vs collected" lines (the first 20).
     */
    private static String differences(Map<String, long[]> metered, Map<String, long[]> collected, int padding) {
        TreeMap<String, String> diff = new TreeMap<>();
        for (String k : new java.util.TreeSet<>(metered.keySet()) {{ addAll(collected.keySet()); }}) {
            long[] m = metered.getOrDefault(k, new long[2]);
            long[] c = collected.getOrDefault(k, new long[2]);
            if (m[0] != c[0] || c[1] < m[1] || c[1] > m[1] + padding * m[0]) {
                diff.put(k, m[0] + "/" + m[1] + " vs " + c[0] + "/" + c[1]);
            }
        }
        StringBuilder sb = new StringBuilder();
        diff.entrySet().stream().limit(20).forEach(e -> sb.append(e.getKey()).append(": ").append(e.getValue())
                .append(" (packets/bytes metered vs collected)\n"));
        if (diff.size() > 20) {
            sb.append("... ").append(diff.size() - 20).append(" more\n");
        }
        return sb.toString();
    }
}
