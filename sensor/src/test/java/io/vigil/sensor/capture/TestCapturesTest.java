package io.vigil.sensor.capture;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.it.Tools;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.meter.MeteredFlow;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.vigil.sensor.Frames.ACK;
import static io.vigil.sensor.Frames.RST;
import static io.vigil.sensor.Frames.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meters the project's own captures in tests/captures/ (made by scripts/make-test-captures,
 * scripts/make-lateral-captures and scripts/make-exfil-captures in network namespaces) with the real replay path and
 * checks the flows a detector will be given. Prints what it measured.
 */
class TestCapturesTest {

    private static final String SCANNER = "10.79.0.66";
    private static final String SERVER = "10.79.0.10";
    private static final String WORKSTATION = "10.79.0.21";
    private static final String ADMIN = "10.79.0.5";
    /** The server's ten more addresses in the lateral-movement captures (sshd and 3389/tcp on each). */
    private static final List<String> SERVER_HOSTS = IntStream.rangeClosed(100, 109).mapToObj(h -> "10.79.0." + h)
            .toList();
    private static final List<String> FILE_CLIENTS = IntStream.rangeClosed(31, 35).mapToObj(h -> "10.79.0." + h)
            .toList();
    /** Exfiltration captures: the backup server, and the external hosts (TEST-NET-2) on the same bridge. */
    private static final String BACKUP = "10.79.0.40";
    private static final String EXTERNAL = "198.51.100.10";
    private static final String CLOUD = "198.51.100.20";
    /** The five addresses smbd listens on in the staging capture: five internal file servers. */
    private static final List<String> SHARES = List.of("10.79.0.10", "10.79.0.100", "10.79.0.101", "10.79.0.102",
            "10.79.0.103");
    private static final long MIB = 1L << 20;

    /** What one replay gave: the flows and the meter's counters. */
    private record Metered(List<MeteredFlow> flows, MeterCounters counters) {
        List<MeteredFlow> from(String orig) {
            return flows.stream().filter(f -> ip(f.origAddr()).equals(orig)).toList();
        }
    }

    private static Metered replay(String capture, MeterConfig config) throws Exception {
        Path file = Tools.repoRoot().resolve("tests/captures").resolve(capture);
        List<MeteredFlow> flows = new ArrayList<>();
        FlowMeter meter = new FlowMeter(config, flows::add);
        new Replay(meter, Replay.Speed.MAX, null).run(List.of(file));
        MeterCounters c = meter.counters();
        System.out.printf("%s: %,d frames, %,d packets metered, %,d flows; %s%n", capture, c.frames, c.packets,
                flows.size(), c.fragmentSummary());
        return new Metered(flows, c);
    }

    private static String ip(byte[] a) {
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<ConnState, Long> states(List<MeteredFlow> flows) {
        return flows.stream().collect(Collectors.groupingBy(MeteredFlow::connState, TreeMap::new,
                Collectors.counting()));
    }

    private static Map<Integer, ConnState> stateByPort(List<MeteredFlow> flows, Predicate<MeteredFlow> which) {
        Map<Integer, ConnState> m = new TreeMap<>();
        flows.stream().filter(which).forEach(f -> m.put(f.respPort(), f.connState()));
        return m;
    }

    /**
     * A fragmented SYN scan must meter exactly like the unfragmented one: one flow per port with SYN from the scanner,
     * REJ for closed ports, RSTO for the open ones. The unfragmented reference is the vertical scan of the same
     * server layout in scripts/data/lan-scan.pcap (ports 1-1024 of 10.77.0.10, 22 and 80 open).
     */
    private static void assertMetersLikeAnUnfragmentedScan(Metered m) throws Exception {
        List<MeteredFlow> probes = m.from(SCANNER);
        Map<ConnState, Long> states = states(probes);
        System.out.printf("  scanner flows %d, states %s%n", probes.size(), states);
        assertEquals(300, probes.stream().mapToInt(MeteredFlow::respPort).distinct().count(), "one port each");
        assertTrue(probes.stream().allMatch(f -> ip(f.respAddr()).equals(SERVER) && f.protocol() == 6
                && (f.origTcpFlags() & SYN) != 0), "every probe a TCP SYN to the server");
        assertEquals(0, m.counters().fragDatagramsEvicted + m.counters().fragDatagramsBadLength
                + m.counters().fragDatagramsTooLarge + m.counters().fragOverlaps);
        assertEquals(0, m.counters().undecodable);

        List<MeteredFlow> reference = new ArrayList<>();
        FlowMeter meter = new FlowMeter(MeterConfig.defaults(), reference::add);
        new Replay(meter, Replay.Speed.MAX, null).run(List.of(Tools.repoRoot().resolve("scripts/data/lan-scan.pcap")));
        Map<Integer, ConnState> expected = stateByPort(reference, f -> ip(f.origAddr()).equals("10.77.0.66")
                && ip(f.respAddr()).equals("10.77.0.10") && f.protocol() == 6 && f.respPort() <= 300);
        Map<Integer, ConnState> actual = stateByPort(probes, f -> true);
        System.out.printf("  unfragmented reference: states %s%n", expected.values().stream()
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting())));
        assertEquals(expected, actual, "the same state on every port as the unfragmented scan");
    }

    @Test
    void nmapDashFScanMetersAsThreeHundredSynAttemptsFromTheScanner() throws Exception {
        Metered m = replay("frag-syn-scan.pcap", MeterConfig.defaults());
        assertTrue(m.counters().fragDatagramsReassembled >= 300, "at least one fragmented probe per port");
        assertEquals(0, m.counters().fragDatagramsTimedOut, "every fragmented probe complete");
        assertMetersLikeAnUnfragmentedScan(m);
        List<MeteredFlow> web = m.from(WORKSTATION);
        System.out.printf("  workstation flows %d, states %s%n", web.size(), states(web));
        assertTrue(web.size() >= 5 && web.stream().allMatch(f -> f.respPort() == 80 && f.connState() == ConnState.SF),
                "the ordinary web requests are whole sessions");
    }

    @Test
    void mtu16ScanMetersAsThreeHundredSynAttemptsFromTheScanner() throws Exception {
        Metered m = replay("mtu16-syn-scan.pcap", MeterConfig.defaults());
        assertTrue(m.counters().fragDatagramsReassembled >= 300);
        // nmap 7.93 with --mtu 16 now and then gives a probe's two fragments different IP identifications (seen once
        // while making these captures). Neither the target nor the sensor can join them: two incomplete datagrams
        // time out, and nmap's retransmission of that probe is what the port's flow shows. A re-recorded capture may
        // have it.
        assertTrue(m.counters().fragDatagramsTimedOut <= 4, "timed out " + m.counters().fragDatagramsTimedOut);
        assertMetersLikeAnUnfragmentedScan(m);
    }

    @Test
    void ackScanGivesFiveHundredAckProbesOfOneHostAnsweredByResets() throws Exception {
        Metered m = replay("ack-scan.pcap", MeterConfig.defaults());
        List<MeteredFlow> probes = m.from(SCANNER);
        System.out.printf("  scanner flows %d, states %s, histories %s%n", probes.size(), states(probes),
                probes.stream().map(MeteredFlow::history).distinct().toList());
        assertEquals(500, probes.stream().mapToInt(MeteredFlow::respPort).distinct().count());
        assertTrue(probes.stream().allMatch(f -> ip(f.respAddr()).equals(SERVER) && f.origTcpFlags() == ACK
                && (f.respTcpFlags() & RST) != 0), "a bare ACK each, answered by a reset");
        assertEquals(0, m.counters().fragments);
    }

    @Test
    void ackPingSweepReachesFortyHostsOfWhichTwentyAnswer() throws Exception {
        Metered m = replay("ack-ping-sweep.pcap", MeterConfig.defaults());
        List<MeteredFlow> probes = m.from(SCANNER);
        System.out.printf("  scanner flows %d, states %s%n", probes.size(), states(probes));
        assertEquals(40, probes.stream().map(f -> ip(f.respAddr())).distinct().count());
        assertTrue(probes.stream().allMatch(f -> f.origTcpFlags() == ACK && f.respPort() == 80));
        assertEquals(20, probes.stream().filter(f -> f.respPackets() > 0 && (f.respTcpFlags() & RST) != 0).count(),
                "10.79.0.100-119 answer with a reset");
        assertEquals(20, probes.stream().filter(f -> f.respPackets() == 0).map(f -> ip(f.respAddr())).distinct()
                .count(), "10.79.0.120-139 are dead (nmap probes each twice, from two source ports)");
    }

    /** Keepalives of connections that began before the capture: ACK-only, answered, OTH. Not ACK pings. */
    private static void assertKeepalives(List<MeteredFlow> flows) {
        assertTrue(flows.stream().allMatch(f -> ip(f.origAddr()).equals(WORKSTATION) && f.respPort() == 443
                        && f.connState() == ConnState.OTH && f.origTcpFlags() == ACK && f.respTcpFlags() == ACK
                        && f.respPackets() > 0), "every flow OTH, initiator flags exactly ACK, answered by ACKs");
    }

    @Test
    void tcpKeepalivesMeterAsAnsweredAckOnlyMidstreamFlows() throws Exception {
        Metered m = replay("tcp-keepalive.pcap", MeterConfig.defaults());
        List<MeteredFlow> flows = m.flows();
        System.out.printf("  flows %d, states %s, packets per flow %s%n", flows.size(), states(flows),
                flows.stream().map(f -> f.origPackets() + "/" + f.respPackets()).sorted().distinct().toList());
        assertEquals(15, flows.size(), "one flow per connection: the capture is shorter than the idle timeout");
        assertEquals(15, flows.stream().map(f -> ip(f.respAddr())).distinct().count(),
                "15 addresses on 443/tcp, like a workstation's connections to a cloud service");
        assertKeepalives(flows);
        assertTrue(flows.stream().allMatch(f -> f.origPackets() >= 3), "several keepalive exchanges each");

        // An idle timeout below the slowest connections' 8 s keepalive interval cuts those into one flow per exchange.
        Metered split = replay("tcp-keepalive.pcap", MeterConfig.defaults().withIdleTimeout(Duration.ofSeconds(6)));
        System.out.printf("  with a 6 s idle timeout: flows %d, states %s%n", split.flows().size(),
                states(split.flows()));
        assertTrue(split.flows().size() >= 15 + 5 * 3, "the 8 s connections each split into several flows");
        assertKeepalives(split.flows());
    }

    @Test
    void benignFragmentedTrafficMetersAsWholeFlowsWithReassembledByteCounts() throws Exception {
        Metered m = replay("frag-benign.pcap", MeterConfig.defaults());
        List<MeteredFlow> flows = m.from(WORKSTATION);
        flows.forEach(f -> System.out.printf("  %s proto %d %s packets %d/%d bytes %d/%d%n", ip(f.respAddr()),
                f.protocol(), f.connState(), f.origPackets(), f.respPackets(), f.origBytes(), f.respBytes()));
        MeteredFlow ping = flows.stream().filter(f -> f.protocol() == 1).findFirst().orElseThrow();
        assertEquals(5, ping.origPackets());
        assertEquals(5, ping.respPackets());
        assertEquals(5L * (20 + 8 + 4000), ping.origBytes(), "each echo request counted as its whole datagram");
        assertEquals(5L * (20 + 8 + 4000), ping.respBytes());
        MeteredFlow udp = flows.stream().filter(f -> f.protocol() == 17).findFirst().orElseThrow();
        assertEquals(ConnState.SF, udp.connState());
        assertEquals(9999, udp.respPort());
        assertEquals(5, udp.origPackets());
        assertEquals(5L * (20 + 8 + 3000), udp.origBytes());
        assertEquals(5L * (20 + 8 + 2000), udp.respBytes());
        assertEquals(2, flows.size(), "nothing else: no fragment metered on its own");
        assertEquals(20, m.counters().fragDatagramsReassembled, "10 pings and 10 UDP datagrams");
        assertEquals(0, m.counters().fragDatagramsTimedOut);
    }

    // ---- lateral movement (scripts/make-lateral-captures: real sshd, hydra, smbd, smbclient) ----------------------

    private static void print(List<MeteredFlow> flows) {
        long t0 = flows.stream().mapToLong(MeteredFlow::startMicros).min().orElse(0);
        flows.stream().sorted(Comparator.comparingLong(MeteredFlow::startMicros)).forEach(f -> System.out.printf(
                "  +%6.3f s %s:%d > %s:%d %s packets %d/%d bytes %d/%d, %.3f s%n", (f.startMicros() - t0) / 1e6,
                ip(f.origAddr()), f.origPort(), ip(f.respAddr()), f.respPort(), f.connState(), f.origPackets(),
                f.respPackets(), f.origBytes(), f.respBytes(), (f.endMicros() - f.startMicros()) / 1e6));
    }

    /** Every flow a whole TCP session (SF) from {@code orig} to {@code port}, and nothing else in the capture. */
    private static void assertOnlyWholeSessions(Metered m, String orig, int port) {
        print(m.flows());
        assertTrue(m.flows().stream().allMatch(f -> ip(f.origAddr()).equals(orig) && f.protocol() == 6
                && f.respPort() == port && f.connState() == ConnState.SF), "only SF sessions " + orig + " > " + port);
        assertEquals(0, m.counters().undecodable);
    }

    private static double spanSeconds(List<MeteredFlow> flows) {
        return (flows.stream().mapToLong(MeteredFlow::endMicros).max().orElseThrow()
                - flows.stream().mapToLong(MeteredFlow::startMicros).min().orElseThrow()) / 1e6;
    }

    @Test
    void sshBruteForceIsFifteenShortSimilarSessionsFromTheScannerToPort22() throws Exception {
        Metered m = replay("ssh-brute-force.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, SCANNER, 22);
        List<MeteredFlow> tries = m.flows();
        // hydra -t 4, 60 passwords: one connection to see that password authentication is offered, then 14 that try
        // up to 6 passwords each (sshd's MaxAuthTries; hydra tries the one cut off again on its next connection).
        // sshd refuses them all: root logs in by key only.
        assertEquals(15, tries.size());
        assertTrue(tries.stream().allMatch(f -> ip(f.respAddr()).equals(SERVER)), "one target");
        assertTrue(tries.stream().allMatch(f -> f.origBytes() >= 1_700 && f.origBytes() <= 2_600
                && f.respBytes() >= 2_300 && f.respBytes() <= 3_100 && f.origPackets() <= 20), "small and alike");
        assertTrue(tries.stream().allMatch(f -> f.endMicros() - f.startMicros() < 500_000), "each under 0.5 s");
        assertTrue(spanSeconds(tries) < 12, "all within about 10 s: " + spanSeconds(tries));
    }

    @Test
    void sshAdminLoginIsOneSessionFromTheWorkstation() throws Exception {
        Metered m = replay("ssh-admin-login.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, WORKSTATION, 22);
        assertEquals(1, m.flows().size());
        MeteredFlow login = m.flows().get(0);
        assertEquals(SERVER, ip(login.respAddr()));
        // More than a refused try (at most 2,600 bytes from the client): the key, the command and its output.
        assertTrue(login.origBytes() >= 4_000 && login.origBytes() <= 6_500, "orig bytes " + login.origBytes());
        assertTrue(login.respBytes() >= 4_000 && login.respBytes() <= 6_500, "resp bytes " + login.respBytes());
    }

    @Test
    void rdpConnectLoopReachesTenHostsOnPort3389() throws Exception {
        Metered m = replay("rdp-connect-loop.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, WORKSTATION, 3389);
        assertEquals(10, m.flows().size());
        assertEquals(SERVER_HOSTS, m.flows().stream().map(f -> ip(f.respAddr())).distinct().sorted().toList(),
                "one connection to each of 10.79.0.100-109");
        // The 19-byte X.224 connection request and the 19-byte confirm, with the handshake and the close.
        assertTrue(m.flows().stream().allMatch(f -> f.origPackets() == 6 && f.origBytes() == 339
                && f.respPackets() == 4 && f.respBytes() == 235), "one request and one answer each");
        assertTrue(spanSeconds(m.flows()) < 12, "in about 10 s: " + spanSeconds(m.flows()));
    }

    @Test
    void smbLateralListsSharesThenFetchesAFile() throws Exception {
        Metered m = replay("smb-lateral.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, WORKSTATION, 445);
        assertEquals(2, m.flows().size(), "smbclient -L, then the get");
        assertTrue(m.flows().stream().allMatch(f -> ip(f.respAddr()).equals(SERVER)));
        List<MeteredFlow> byStart = m.flows().stream().sorted(Comparator.comparingLong(MeteredFlow::startMicros))
                .toList();
        assertTrue(byStart.get(0).respBytes() < 5_000, "the share list is small");
        assertTrue(byStart.get(1).respBytes() > 65_536 && byStart.get(1).origBytes() < 5_000,
                "the 64 KiB file comes from the server");
    }

    @Test
    void adminRoundsAreTenAlikeSshSessionsFromTheJumpHost() throws Exception {
        Metered m = replay("admin-rounds.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, ADMIN, 22);
        assertEquals(10, m.flows().size());
        assertEquals(SERVER_HOSTS, m.flows().stream().map(f -> ip(f.respAddr())).distinct().sorted().toList());
        assertTrue(m.flows().stream().allMatch(f -> f.origBytes() >= 4_500 && f.origBytes() <= 5_500
                && f.respBytes() >= 4_500 && f.respBytes() <= 5_500), "a login and one command each");
        assertTrue(spanSeconds(m.flows()) < 10, "one after the other: " + spanSeconds(m.flows()));
    }

    @Test
    void longSshSessionWithTwoScpTransfersIsThreeSessions() throws Exception {
        Metered m = replay("ssh-session-long.pcap", MeterConfig.defaults());
        assertOnlyWholeSessions(m, WORKSTATION, 22);
        assertEquals(3, m.flows().size());
        assertTrue(m.flows().stream().allMatch(f -> ip(f.respAddr()).equals(SERVER)));
        MeteredFlow shell = m.flows().stream().max(Comparator.comparingLong(f -> f.endMicros() - f.startMicros()))
                .orElseThrow();
        assertTrue(shell.endMicros() - shell.startMicros() >= 20_000_000, "the session lasts about 20 s");
        assertTrue(shell.origBytes() < 20_000 && shell.respBytes() < 20_000, "typed commands and their output");
        assertTrue(m.flows().stream().anyMatch(f -> f.origBytes() > 204_800 && f.respBytes() < 20_000), "scp up");
        assertTrue(m.flows().stream().anyMatch(f -> f.respBytes() > 204_800 && f.origBytes() < 20_000), "scp down");
        assertFalse(m.flows().stream().anyMatch(f -> f.origPackets() < 10), "no short refused tries");
    }

    @Test
    void fileServerServesFiveClientsThreeTimesEach() throws Exception {
        Metered m = replay("file-server-clients.pcap", MeterConfig.defaults());
        print(m.flows());
        assertEquals(15, m.flows().size());
        assertTrue(m.flows().stream().allMatch(f -> ip(f.respAddr()).equals(SERVER) && f.respPort() == 445
                && f.connState() == ConnState.SF && f.respBytes() > 16_384 && f.origBytes() < 5_000),
                "every flow an SMB session fetching the 16 KiB file");
        Map<String, Long> perClient = m.flows().stream().collect(Collectors.groupingBy(f -> ip(f.origAddr()),
                TreeMap::new, Collectors.counting()));
        assertEquals(FILE_CLIENTS.stream().collect(Collectors.toMap(c -> c, c -> 3L, (a, b) -> a, TreeMap::new)),
                perClient, "three sessions from each of 10.79.0.31-35");
    }

    // ---- exfiltration (scripts/make-exfil-captures: jumbo frames, smbd, sshd and rsync, curl, an HTTP server) ------

    /** Replays an exfiltration capture, which must stay small: jumbo frames cut to 256 bytes, under 2 MB a file. */
    private static Metered replayExfil(String capture) throws Exception {
        long size = Files.size(Tools.repoRoot().resolve("tests/captures").resolve(capture));
        assertTrue(size < 2_000_000, capture + " is " + size + " bytes");
        return replay(capture, MeterConfig.defaults());
    }

    private static boolean internal(byte[] addr) {
        return ip(addr).startsWith("10.79.0.");
    }

    /** Bytes {@code host} sent to addresses outside 10.79.0.0/24: what the EXFILTRATION SmartAlerts judge. */
    private static long sentOutside(Metered m, String host) {
        return m.flows().stream().mapToLong(f -> ip(f.origAddr()).equals(host) && !internal(f.respAddr())
                ? f.origBytes() : ip(f.respAddr()).equals(host) && !internal(f.origAddr()) ? f.respBytes() : 0).sum();
    }

    /** Every flow a whole TCP session (SF) from {@code orig}, nothing undecodable; sorted by start. */
    private static List<MeteredFlow> assertWholeSessionsFrom(Metered m, String orig) {
        print(m.flows());
        assertTrue(m.flows().stream().allMatch(f -> ip(f.origAddr()).equals(orig) && f.protocol() == 6
                && f.connState() == ConnState.SF), "only SF sessions from " + orig);
        assertEquals(0, m.counters().undecodable);
        return m.flows().stream().sorted(Comparator.comparingLong(MeteredFlow::startMicros)).toList();
    }

    private static MeteredFlow only(List<MeteredFlow> flows, String resp, int port) {
        List<MeteredFlow> to = flows.stream().filter(f -> ip(f.respAddr()).equals(resp) && f.respPort() == port)
                .toList();
        assertEquals(1, to.size(), "one flow to " + resp + ":" + port);
        return to.get(0);
    }

    @Test
    void largeUploadIsOneFlowOf150MiBToAnExternalAddress() throws Exception {
        Metered m = replayExfil("large-upload.pcap");
        List<MeteredFlow> flows = assertWholeSessionsFrom(m, WORKSTATION);
        assertEquals(1, flows.size());
        MeteredFlow upload = only(flows, EXTERNAL, 443);
        // The 150 MiB body, the PUT request and the headers of about 2,500 jumbo segments; snaplen 256 cut every big
        // frame, and the meter counts the IP length each packet had on the wire.
        assertTrue(upload.origBytes() >= 150 * MIB && upload.origBytes() < 151 * MIB, "orig " + upload.origBytes());
        assertTrue(upload.respBytes() < 100_000, "the server only acknowledges: resp " + upload.respBytes());
        assertTrue(upload.origPackets() >= 150 * MIB / 65_000, "jumbo segments: " + upload.origPackets());
        assertEquals(upload.origBytes(), sentOutside(m, WORKSTATION));
        assertTrue(spanSeconds(flows) < 30, "in seconds: " + spanSeconds(flows));
    }

    @Test
    void stagingIsFiveSmbPullsOf20MiBThenA120MiBUploadToAnExternalAddress() throws Exception {
        Metered m = replayExfil("staging-then-upload.pcap");
        List<MeteredFlow> flows = assertWholeSessionsFrom(m, WORKSTATION);
        assertEquals(6, flows.size(), "five SMB sessions and the upload");
        List<MeteredFlow> smb = flows.stream().filter(f -> f.respPort() == 445).toList();
        assertEquals(SHARES, smb.stream().map(f -> ip(f.respAddr())).sorted().toList(),
                "one SMB session with each of the five internal hosts");
        assertTrue(smb.stream().allMatch(f -> f.respBytes() >= 20 * MIB && f.respBytes() < 21 * MIB
                && f.origBytes() < MIB), "20 MiB pulled from each, little sent");
        MeteredFlow upload = only(flows, EXTERNAL, 443);
        assertTrue(upload.origBytes() >= 120 * MIB && upload.origBytes() < 122 * MIB, "orig " + upload.origBytes());
        assertTrue(upload.respBytes() < 100_000, "resp " + upload.respBytes());
        assertEquals(upload, flows.get(flows.size() - 1), "the upload comes last");
        assertTrue(upload.startMicros() > smb.stream().mapToLong(MeteredFlow::endMicros).max().orElseThrow(),
                "after every pull has ended");
        assertEquals(upload.origBytes(), sentOutside(m, WORKSTATION));
        assertTrue(spanSeconds(flows) < 60, "well under a minute: " + spanSeconds(flows));
    }

    @Test
    void nightlyBackupIsAnRsyncPullOf50MiBThenA100MiBUploadToTheCloud() throws Exception {
        Metered m = replayExfil("nightly-backup.pcap");
        List<MeteredFlow> flows = assertWholeSessionsFrom(m, BACKUP);
        assertEquals(2, flows.size(), "rsync over ssh, then the upload");
        MeteredFlow rsync = only(flows, SERVER, 22);
        assertTrue(rsync.respBytes() >= 50 * MIB && rsync.respBytes() < 51 * MIB, "resp " + rsync.respBytes());
        assertTrue(rsync.origBytes() < MIB, "orig " + rsync.origBytes());
        MeteredFlow upload = only(flows, CLOUD, 443);
        assertTrue(upload.origBytes() >= 100 * MIB && upload.origBytes() < 101 * MIB, "orig " + upload.origBytes());
        assertTrue(upload.respBytes() < 100_000, "resp " + upload.respBytes());
        assertTrue(upload.startMicros() > rsync.endMicros(), "the upload after the pull");
        assertEquals(upload.origBytes(), sentOutside(m, BACKUP));
        assertTrue(spanSeconds(flows) < 30, "in seconds: " + spanSeconds(flows));
    }

    @Test
    void webBrowsingIsA50MiBDownloadWithLittleSentOutside() throws Exception {
        Metered m = replayExfil("web-browsing.pcap");
        List<MeteredFlow> flows = assertWholeSessionsFrom(m, WORKSTATION);
        assertEquals(1, flows.size());
        MeteredFlow download = only(flows, EXTERNAL, 443);
        assertTrue(download.respBytes() >= 50 * MIB && download.respBytes() < 51 * MIB,
                "resp " + download.respBytes());
        // Only the request and the acknowledgements go out: a download is never an upload.
        assertTrue(sentOutside(m, WORKSTATION) < MIB, "sent outside " + sentOutside(m, WORKSTATION));
    }
}
