package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.ProbeKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanAnalyzerTest {

    private final ScanAnalyzer analyzer = new ScanAnalyzer(ReconDefaults.config());

    private static Attempt failed(String src, String host, int port, int proto, ProbeKind kind, long t) {
        return new Attempt(src, host, port, proto, kind, 1, 1, 0, t, t);
    }

    private static Attempt session(String src, String host, int port, long t) {
        return new Attempt(src, host, port, 6, ProbeKind.SYN, 1, 0, 0, t, t + 500);
    }

    @Test
    void tenClosedPortsOfOneHostIsVertical() {
        List<Attempt> a = new ArrayList<>();
        int[] ports = {21, 113, 22, 80, 443, 25, 3389, 8080, 139, 445};
        for (int i = 0; i < ports.length; i++) {
            a.add(failed("192.168.2.154", "192.168.2.22", ports[i], 6, ProbeKind.SYN, 1000 + i));
        }
        List<Finding> f = analyzer.analyze("192.168.2.154", a, false);
        assertEquals(1, f.size());
        assertEquals(AlertType.VERTICAL, f.get(0).type());
        assertEquals(List.of("192.168.2.22"), f.get(0).targets());
        assertEquals(10, f.get(0).services().size());
        assertEquals(DecidedBy.TRW, ReconDefaults.scan(f.get(0)).decidedBy());
        assertEquals(4, ReconDefaults.scan(f.get(0)).trwFailures());
    }

    @Test
    void oneSynPortAcrossManyHostsIsHorizontal() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            a.add(failed("10.0.0.128", "10.0.0." + i, 80, 6, ProbeKind.SYN, 1000 + i));
        }
        Finding f = analyzer.analyze("10.0.0.128", a, false).get(0);
        assertEquals(AlertType.HORIZONTAL, f.type());
        assertEquals(256, f.targets().size());
        assertEquals(List.of("80/tcp"), f.services());
        assertEquals("10.0.0.0", f.targets().get(0));
        assertEquals("10.0.0.255", f.targets().get(255));
    }

    @Test
    void aSourceThatSweptAPortAndAHostGetsBothFindings() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 100; i < 140; i++) {
            a.add(failed("10.77.0.66", "10.77.0." + i, 22, 6, ProbeKind.SYN, 1000 + i));
        }
        for (int port = 1; port <= 1024; port++) {
            a.add(failed("10.77.0.66", "10.77.0.10", port, 6, ProbeKind.SYN, 5000 + port));
        }
        List<Finding> f = analyzer.analyze("10.77.0.66", a, false);
        assertEquals(List.of(AlertType.VERTICAL, AlertType.HORIZONTAL), f.stream().map(Finding::type).toList());
        assertEquals(List.of("10.77.0.10"), f.get(0).targets());
        assertEquals(1024, f.get(0).services().size());
        assertEquals(40, f.get(1).targets().size());
        assertEquals(List.of("22/tcp"), f.get(1).services());
        assertTrue(f.get(1).targets().stream().noneMatch("10.77.0.10"::equals), "the vertical target is not a horizontal one");
    }

    @Test
    void aVerticalScanThatTouchedAFewOtherHostsIsOnlyVertical() {
        List<Attempt> a = new ArrayList<>();
        for (int port = 1; port <= 100; port++) {
            a.add(failed("10.0.0.9", "10.0.0.1", port, 6, ProbeKind.SYN, 1000 + port));
        }
        for (int i = 2; i < 5; i++) {
            a.add(failed("10.0.0.9", "10.0.0." + i, 80, 6, ProbeKind.SYN, 2000 + i));
        }
        List<Finding> f = analyzer.analyze("10.0.0.9", a, false);
        assertEquals(List.of(AlertType.VERTICAL), f.stream().map(Finding::type).toList());
    }

    @Test
    void echoAndAckPingsAreHostSweeps() {
        List<Attempt> icmp = new ArrayList<>();
        List<Attempt> ack = new ArrayList<>();
        for (int i = 1; i < 20; i++) {
            icmp.add(failed("10.0.0.128", "10.0.0." + i, 0, 1, ProbeKind.ICMP_ECHO, i));
            ack.add(failed("10.0.0.129", "10.0.0." + i, 80, 6, ProbeKind.ACK_PING, i));
        }
        assertEquals(AlertType.HOST_SWEEP, analyzer.analyze("10.0.0.128", icmp, false).get(0).type());
        Finding ackSweep = analyzer.analyze("10.0.0.129", ack, false).get(0);
        assertEquals(AlertType.HOST_SWEEP, ackSweep.type());
        assertEquals(List.of(ProbeKind.ACK_PING), ReconDefaults.scan(ackSweep).probes());
    }

    @Test
    void ackProbesToManyPortsOfOneHostAreAVerticalScanNotASweep() {
        // nmap -sA -p 1-500: a firewall-mapping scan; every probe is a lone ACK (RST back from an unfiltered port).
        List<Attempt> a = new ArrayList<>();
        for (int port = 1; port <= 500; port++) {
            a.add(failed("10.78.0.80", "10.78.0.10", port, 6, ProbeKind.ACK_PING, port));
        }
        List<Finding> f = analyzer.analyze("10.78.0.80", a, false);
        assertEquals(1, f.size(), f.toString());
        assertEquals(AlertType.VERTICAL, f.get(0).type());
        assertEquals(List.of("10.78.0.10"), f.get(0).targets());
        assertEquals(500, f.get(0).services().size());
        assertEquals(List.of(ProbeKind.ACK_PING), ReconDefaults.scan(f.get(0)).probes());
        assertEquals(DecidedBy.TRW, ReconDefaults.scan(f.get(0)).decidedBy());
    }

    @Test
    void ackProbesAcrossHostsAndPortsOfOneHostAreBothFound() {
        List<Attempt> a = new ArrayList<>();
        for (int port = 1; port <= 100; port++) {
            a.add(failed("10.78.0.81", "10.78.0.10", port, 6, ProbeKind.ACK_PING, port));
        }
        for (int h = 100; h < 120; h++) {
            a.add(failed("10.78.0.81", "10.78.0." + h, 80, 6, ProbeKind.ACK_PING, 1000 + h));
        }
        assertEquals(List.of(AlertType.VERTICAL, AlertType.HOST_SWEEP),
                analyzer.analyze("10.78.0.81", a, false).stream().map(Finding::type).toList());
    }

    @Test
    void aFewAckProbesToOneHostStayInTheSweep() {
        // nmap -sn sends one ACK ping per host; a host that also got a few ACKs to other ports is no port scan.
        List<Attempt> a = new ArrayList<>();
        for (int h = 100; h < 120; h++) {
            a.add(failed("10.78.0.82", "10.78.0." + h, 80, 6, ProbeKind.ACK_PING, h));
        }
        for (int port = 443; port < 446; port++) {
            a.add(failed("10.78.0.82", "10.78.0.100", port, 6, ProbeKind.ACK_PING, 200 + port));
        }
        assertEquals(List.of(AlertType.HOST_SWEEP), analyzer.analyze("10.78.0.82", a, false).stream().map(Finding::type).toList());
    }

    @Test
    void udpAndStealthProbesGetTheirOwnType() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 1; i < 10; i++) {
            a.add(failed("246.237.45.150", "246.237.103." + i, 40125, 17, ProbeKind.UDP, i));
            a.add(failed("246.237.45.150", "246.237.103." + i, 22, 6, ProbeKind.STEALTH, i));
        }
        List<AlertType> types = analyzer.analyze("246.237.45.150", a, false).stream().map(Finding::type).sorted().toList();
        assertEquals(List.of(AlertType.UDP, AlertType.STEALTH), types);
    }

    @Test
    void threeFailuresDoNotAlert() {
        List<Attempt> a = List.of(failed("10.1.0.5", "10.1.0.6", 22, 6, ProbeKind.SYN, 1),
                failed("10.1.0.5", "10.1.0.7", 22, 6, ProbeKind.SYN, 2),
                failed("10.1.0.5", "10.1.0.8", 22, 6, ProbeKind.SYN, 3));
        assertTrue(analyzer.analyze("10.1.0.5", a, false).isEmpty());
    }

    @Test
    void clientWhoseConnectionsMostlySucceedDoesNotAlert() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            a.add(i % 10 == 0 ? failed("10.1.0.5", "10.1.1." + i, 443, 6, ProbeKind.SYN, i) : session("10.1.0.5", "10.1.1." + i, 443, i));
        }
        assertTrue(analyzer.analyze("10.1.0.5", a, false).isEmpty());
    }

    @Test
    void discoveryProtocolsToMulticastAndBroadcastAreNotAScan() {
        List<Attempt> a = List.of(failed("10.1.0.7", "239.255.255.250", 1900, 17, ProbeKind.UDP, 1),
                failed("10.1.0.7", "224.0.0.251", 5353, 17, ProbeKind.UDP, 2),
                failed("10.1.0.7", "224.0.0.252", 5355, 17, ProbeKind.UDP, 3),
                failed("10.1.0.7", "255.255.255.255", 67, 17, ProbeKind.UDP, 5),
                failed("10.1.0.7", "ff02::fb", 5353, 17, ProbeKind.UDP, 6));
        assertTrue(analyzer.analyze("10.1.0.7", a, false).isEmpty());
        assertTrue(!Networks.groupAddress("10.1.0.255"), "x.x.x.255 is a host in anything larger than a /24");
        assertTrue(Networks.groupAddress("239.1.2.3"));
    }

    @Test
    void backscatterIsNeverEvidence() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            a.add(new Attempt("202.229.120.98", "192.150.187." + i, 0, 6, ProbeKind.OTHER, 1, 0, 0, i, i));
        }
        assertTrue(analyzer.analyze("202.229.120.98", a, false).isEmpty());
    }

    @Test
    void slowScanOfHostsOnOnePortIsFoundAtItsFifthFailure() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            a.add(failed("176.192.150.3", "10.1.0." + i, 445, 6, ProbeKind.SYN, i * 700_000L));
        }
        Finding f = analyzer.analyze("176.192.150.3", a, true).get(0);
        assertEquals(AlertType.HORIZONTAL, f.type());
        assertTrue(ReconDefaults.scan(f).slow());
        assertEquals(DecidedBy.SLOW, ReconDefaults.scan(f).decidedBy());
        assertEquals(1, analyzer.analyze("176.192.150.3", a.subList(0, 5), true).size(), "5 hosts on 445: a scan's shape");
        assertTrue(analyzer.analyze("176.192.150.3", a.subList(0, 4), true).isEmpty(), "4 hosts: below both floors");
    }

    @Test
    void slowScanOfPortsOfOneHostIsFoundAtItsFifthFailure() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.add(failed("198.51.100.9", "10.1.0.1", 1001 + i, 6, ProbeKind.SYN, i * 2_000L));
        }
        assertEquals(AlertType.VERTICAL, analyzer.analyze("198.51.100.9", a, true).get(0).type());
        assertTrue(analyzer.analyze("198.51.100.9", a.subList(0, 4), true).isEmpty());
    }

    @Test
    void slowFailuresWithoutAScanShapeNeedEightTargets() {
        // A laptop whose mapped drives and printers are offline: each host fails on its own service, over hours.
        String[][] offline = {{"10.1.0.20", "445"}, {"10.1.0.21", "139"}, {"10.1.0.30", "9100"}, {"10.1.0.31", "515"},
                {"10.1.0.32", "631"}, {"10.1.0.40", "3389"}, {"10.1.0.41", "5985"}, {"10.1.0.42", "8080"}};
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < offline.length; i++) {
            a.add(failed("10.1.0.5", offline[i][0], Integer.parseInt(offline[i][1]), 6, ProbeKind.SYN, i * 600_000L));
        }
        assertTrue(analyzer.analyze("10.1.0.5", a.subList(0, 7), true).isEmpty(), "7 unshaped failures: no scan");
        assertEquals(1, analyzer.analyze("10.1.0.5", a, true).size(), "8 distinct failed targets still decide");
        ScanAnalyzer stricter = new ScanAnalyzer(ReconDefaults.config(java.util.Map.of("slow-min-targets", "9")));
        assertTrue(stricter.analyze("10.1.0.5", a, true).isEmpty(), "the floor is the configured one");
    }

    @Test
    void hoursOfProbesDeliveredInOneBatchAreSlowOnTheFastPathToo() {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            a.add(failed("176.192.150.3", "10.1.0." + i, 445, 6, ProbeKind.SYN, i * 700_000L));
        }
        Finding replayed = analyzer.analyze("176.192.150.3", a, false).get(0);
        assertEquals(DecidedBy.TRW, ReconDefaults.scan(replayed).decidedBy());
        assertTrue(ReconDefaults.scan(replayed).slow(), "9 probes over 93 min");
        List<Attempt> quick = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            quick.add(failed("176.192.150.3", "10.1.0." + i, 445, 6, ProbeKind.SYN, i * 1_000L));
        }
        assertTrue(!ReconDefaults.scan(analyzer.analyze("176.192.150.3", quick, false).get(0)).slow(), "9 probes in 8 s");
    }

    @Test
    void tenProbesOneEvery15SecondsAreASlowScanAndAFastScanReFoundByTheSlowPathIsNot() {
        List<Attempt> slow = new ArrayList<>();
        List<Attempt> fast = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(failed("10.78.0.70", "10.78.0.10", 8000 + i, 6, ProbeKind.SYN, i * 15_000L));
        }
        for (int i = 0; i < 200; i++) {
            fast.add(failed("10.78.0.63", "10.78.0.10", 1 + i, 6, ProbeKind.SYN, 1000 + i));
        }
        fast.add(failed("10.78.0.63", "10.78.0.10", 5000, 6, ProbeKind.SYN, 170_000));
        assertTrue(ReconDefaults.scan(analyzer.analyze("10.78.0.70", slow, true).get(0)).slow(), "fewer failures per minute than TRW needs");
        assertTrue(!ReconDefaults.scan(analyzer.analyze("10.78.0.63", fast, true).get(0)).slow(), "200 failures in a second");
    }

    @Test
    void manyFailedTargetsAlertEvenWhenTheWalkWasReset() {
        List<Attempt> a = new ArrayList<>();
        // Alternating bursts: 4 successes reset the walk before each 3 failures, so TRW never decides.
        int t = 0;
        for (int round = 0; round < 12; round++) {
            for (int s = 0; s < 4; s++) {
                a.add(session("10.1.0.9", "10.1.2." + t, 80, t++));
            }
            for (int f = 0; f < 3; f++) {
                a.add(failed("10.1.0.9", "10.1.2." + t, 80, 6, ProbeKind.SYN, t++));
            }
        }
        // 36 failed of 84: below half, so counting does not decide either.
        assertTrue(analyzer.analyze("10.1.0.9", a, false).isEmpty());
        List<Attempt> more = new ArrayList<>(a);
        for (int i = 0; i < 20; i++) {
            more.add(failed("10.1.0.9", "10.1.3." + i, 80, 6, ProbeKind.SYN, t++));
        }
        assertEquals(1, analyzer.analyze("10.1.0.9", more, false).size());
    }

    private static Attempt answeredEcho(String src, String host, long t) {
        return new Attempt(src, host, 0, 1, ProbeKind.ICMP_ECHO, 1, 0, 1, t, t + 1);
    }

    /** nmap -sn --send-ip on live hosts: each answers the echo (a TRW success) and RSTs the ACK ping (a failure). */
    private static List<Attempt> pingSweep(int hosts, boolean answersFirst) {
        List<Attempt> a = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            long t = 10L * i;
            a.add(answeredEcho("10.78.0.66", "10.78.0." + (100 + i), answersFirst ? t : t + 5));
            a.add(failed("10.78.0.66", "10.78.0." + (100 + i), 80, 6, ProbeKind.ACK_PING, answersFirst ? t + 5 : t));
        }
        return a;
    }

    @Test
    void aSweepOfLiveHostsIsFoundWhateverTheOrderOfTheAnswers() {
        for (boolean answersFirst : List.of(true, false)) {
            List<Finding> f = analyzer.analyze("10.78.0.66", pingSweep(12, answersFirst), false);
            assertEquals(1, f.size(), "answers first: " + answersFirst + " " + f);
            assertEquals(AlertType.HOST_SWEEP, f.get(0).type());
            assertEquals(12, f.get(0).targets().size());
            assertEquals(List.of("0/icmp", "80/tcp"), f.get(0).services());
        }
        Trw answersFirst = new Trw();
        pingSweep(12, true).stream().sorted(java.util.Comparator.comparingLong(Attempt::firstMs))
                .forEach(a -> answersFirst.observe(a.outcome() != Attempt.Outcome.FAILED));
        assertTrue(!answersFirst.scanner(), "the sequential test alone misses this order; the count decides it");
        assertEquals(DecidedBy.SWEEP_COUNT, ReconDefaults.scan(analyzer.analyze("10.78.0.66", pingSweep(12, true), false).get(0)).decidedBy());
    }

    @Test
    void pingingAFewHostsIsNotASweep() {
        assertTrue(analyzer.analyze("10.78.0.66", pingSweep(9, true), false).isEmpty(), "9 hosts, below 10");
    }

    @Test
    void theSlowHorizonDoesNotCountPings() {
        // A monitor's routine pings of 12 hosts over hours of roll-up: counted there, every monitor would sweep again
        // whenever something else it did passed its baseline (BaselineIT's port scan by the monitor).
        List<Attempt> routine = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            routine.add(answeredEcho("10.1.0.5", "10.1.1." + i, 5 * 3_600_000L + i * 20_000L));
        }
        assertTrue(analyzer.analyze("10.1.0.5", routine, true).isEmpty());
        assertEquals(1, analyzer.analyze("10.1.0.5", routine, false).size(), "in one window the count decides");
    }
}
