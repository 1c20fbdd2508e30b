package io.vigil.sensor.meter;

import io.vigil.proto.ingest.v1.ConnState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static io.vigil.sensor.Frames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowMeterTest {

    private static final String C = "10.0.0.1";
    private static final String S = "10.0.0.2";

    private static byte[] c2s(int flags, int payload) {
        return ethernet(ipv4(C, S, 6, tcp(40000, 80, flags, payload)));
    }

    private static byte[] s2c(int flags, int payload) {
        return ethernet(ipv4(S, C, 6, tcp(80, 40000, flags, payload)));
    }

    @Test
    void unansweredSynIsS0AndLeavesWithinFiveSeconds() {
        MeterHarness h = new MeterHarness().send(0, c2s(SYN, 0)).send(1000, c2s(SYN, 0));
        h.idle(4999);
        assertEquals(1, h.flows.size(), "exported by packet time, before any flush");
        MeteredFlow f = h.flows.get(0);
        assertEquals(ConnState.S0, f.connState());
        assertEquals("S", f.history());
        assertEquals(2, f.origPackets());
        assertEquals(MeteredFlow.ExportReason.IDLE, f.reason());
    }

    @Test
    void synAnsweredByRstIsRej() {
        MeterHarness h = new MeterHarness().send(0, c2s(SYN, 0)).send(1, s2c(RST | ACK, 0));
        h.idle(2100);
        assertEquals(1, h.flows.size());
        MeteredFlow f = h.flows.get(0);
        assertEquals(ConnState.REJ, f.connState());
        assertEquals("Sr", f.history());
        assertArrayEquals(addr(C), f.origAddr());
        assertEquals(80, f.respPort());
        assertEquals(MeteredFlow.ExportReason.END, f.reason());
    }

    @Test
    void normalSessionIsSfWithZeekHistory() {
        MeteredFlow f = new MeterHarness()
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(ACK, 0))
                .send(1, c2s(PSH | ACK, 100)).send(1, s2c(ACK, 0)).send(1, s2c(PSH | ACK, 1000))
                .send(1, c2s(FIN | ACK, 0)).send(1, s2c(FIN | ACK, 0)).send(1, c2s(ACK, 0))
                .only();
        assertEquals(ConnState.SF, f.connState());
        assertEquals("ShADadFf", f.history());
        assertEquals(5, f.origPackets());
        assertEquals(4, f.respPackets());
        assertEquals(5 * 40 + 100, f.origBytes());
        assertEquals(SYN | ACK | PSH | FIN, f.origTcpFlags());
        assertEquals(SYN | ACK | PSH | FIN, f.respTcpFlags());
        assertEquals(8, f.endMicros() - f.startMicros() == 8000 ? 8 : -1);
    }

    @Test
    void establishedThenStates() {
        assertEquals(ConnState.S1, new MeterHarness()
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(ACK, 0)).only().connState());
        assertEquals(ConnState.RSTO, new MeterHarness()
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(RST, 0)).only().connState(),
                "an nmap half-open probe of an open port");
        assertEquals(ConnState.RSTR, new MeterHarness()
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(ACK, 0)).send(1, s2c(RST, 0))
                .only().connState());
        assertEquals(ConnState.RSTOS0, new MeterHarness().send(0, c2s(SYN, 0)).send(1, c2s(RST, 0)).only().connState());
        assertEquals(ConnState.SH, new MeterHarness().send(0, c2s(SYN, 0)).send(1, c2s(FIN, 0)).only().connState());
        assertEquals(ConnState.OTH, new MeterHarness().send(0, c2s(ACK, 0)).only().connState(), "ACK ping");
        assertEquals(ConnState.S2, new MeterHarness()
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(ACK, 0)).send(1, c2s(FIN | ACK, 0))
                .only().connState());
    }

    @Test
    void synAckFirstMakesItsReceiverTheOriginator() {
        // Backscatter: the victim of spoofed SYNs answers; Zeek (and we) call the host it answers the originator.
        MeteredFlow f = new MeterHarness().send(0, s2c(SYN | ACK, 0)).send(1, s2c(RST, 0)).only();
        assertArrayEquals(addr(C), f.origAddr());
        assertEquals(80, f.respPort());
        assertEquals(ConnState.RSTRH, f.connState());
        assertEquals("hr", f.history());
        assertEquals(2, f.respPackets());
    }

    @Test
    void udpProbeAnsweredByPortUnreachableIsRejected() {
        byte[] probe = ipv4(C, S, 17, udp(40000, 161, 30));
        byte[] error = ipv4(S, C, 1, icmp(3, 3, Arrays.copyOf(probe, 28)));
        MeterHarness h = new MeterHarness().send(0, ethernet(probe)).send(1, ethernet(error));
        h.idle(2100);
        assertEquals(1, h.flows.size(), "the ICMP error is part of the UDP flow, not a flow of its own");
        MeteredFlow f = h.flows.get(0);
        assertEquals(ConnState.REJ, f.connState());
        assertEquals((3 << 8) | 3, f.icmpReply());
        assertEquals(1, f.origPackets());
        assertEquals(0, f.respPackets());
        assertEquals(1, h.meter.counters().icmpErrorsMatched);
    }

    @Test
    void icmpv6UnreachableMatchesAnIpv6Probe() {
        byte[] probe = ipv6("2001:db8::1", "2001:db8::2", 17, udp(5000, 53, 10));
        byte[] error = ipv6("2001:db8::2", "2001:db8::1", 58, icmp(1, 4, Arrays.copyOf(probe, 48)));
        MeteredFlow f = new MeterHarness().send(0, ethernet(probe)).send(1, ethernet(error)).only();
        assertEquals(ConnState.REJ, f.connState());
        assertEquals((1 << 8) | 4, f.icmpReply());
    }

    @Test
    void icmpErrorFromBehindNatIsMatchedByItsOwnAddresses() {
        byte[] quoted = ipv4("125.27.226.209", "143.219.185.66", 6, tcp(57638, 80, SYN, 0));
        MeteredFlow f = new MeterHarness()
                .send(0, ethernet(ipv4("125.27.226.209", "10.10.185.66", 6, tcp(57638, 80, SYN, 0))))
                .send(1, ethernet(ipv4("10.10.185.66", "125.27.226.209", 1, icmp(3, 10, Arrays.copyOf(quoted, 28)))))
                .only();
        assertEquals(ConnState.REJ, f.connState());
        assertEquals((3 << 8) | 10, f.icmpReply());
    }

    @Test
    void timeExceededIsRecordedButNotARejection() {
        byte[] probe = ipv4(C, S, 17, udp(40000, 33434, 10));
        byte[] error = ipv4("10.9.9.9", C, 1, icmp(11, 0, Arrays.copyOf(probe, 28)));
        MeteredFlow f = new MeterHarness().send(0, ethernet(probe)).send(1, ethernet(error)).only();
        assertEquals(ConnState.S0, f.connState());
        assertEquals(11 << 8, f.icmpReply());
    }

    @Test
    void echoRequestAndReplyAreOneIcmpFlow() {
        MeteredFlow f = new MeterHarness()
                .send(0, ethernet(ipv4(C, S, 1, icmp(8, 0, new byte[8]))))
                .send(1, ethernet(ipv4(S, C, 1, icmp(0, 0, new byte[8]))))
                .only();
        assertEquals(1, f.origPackets());
        assertEquals(1, f.respPackets());
        assertEquals(8, f.icmpType());
        assertEquals(0, f.origPort());
        assertEquals(ConnState.OTH, f.connState());
    }

    @Test
    void udpBothWaysIsSfAndVlanIsPartOfTheKey() {
        MeterHarness h = new MeterHarness()
                .send(0, ethernet(ipv4(C, S, 17, udp(5353, 53, 30)), 10))
                .send(1, ethernet(ipv4(S, C, 17, udp(53, 5353, 90)), 10))
                .send(1, ethernet(ipv4(C, S, 17, udp(5353, 53, 30)), 20));
        h.flush();
        assertEquals(2, h.flows.size());
        MeteredFlow v10 = h.flows.stream().filter(f -> f.vlan() == 10).findFirst().orElseThrow();
        assertEquals(ConnState.SF, v10.connState());
        assertEquals("Dd", v10.history());
    }

    @Test
    void activeTimeoutSplitsALongFlowKeepingItsOrientation() {
        MeterConfig config = new MeterConfig(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(4),
                Duration.ofSeconds(1), 64, true, DefragConfig.defaults());
        MeterHarness h = new MeterHarness(config)
                .send(0, c2s(SYN, 0)).send(1, s2c(SYN | ACK, 0)).send(1, c2s(ACK, 0));
        for (int i = 0; i < 15; i++) {
            h.send(1000, s2c(PSH | ACK, 100));
        }
        h.send(1, c2s(FIN | ACK, 0)).send(1, s2c(FIN | ACK, 0));
        h.flush();
        assertEquals(2, h.flows.size());
        assertEquals(MeteredFlow.ExportReason.ACTIVE, h.flows.get(0).reason());
        assertEquals(ConnState.S1, h.flows.get(0).connState());
        MeteredFlow second = h.flows.get(1);
        assertArrayEquals(addr(C), second.origAddr(), "the slice keeps the originator though the server sent next");
        assertEquals(ConnState.SF, second.connState());
        assertEquals(18 + 2, h.flows.get(0).origPackets() + h.flows.get(0).respPackets()
                + second.origPackets() + second.respPackets());
    }

    @Test
    void fullTableEvictsAndCounts() {
        MeterHarness h = new MeterHarness(MeterConfig.defaults().withMaxFlows(16));
        for (int i = 0; i < 100; i++) {
            h.send(1, ethernet(ipv4(C, S, 17, udp(10000 + i, 53, 10))));
        }
        assertEquals(84, h.meter.counters().flowsEvicted);
        assertEquals(16, h.meter.activeFlows());
        h.flush();
        assertEquals(100, h.flows.size(), "eviction exports early; it never drops a flow");
        assertTrue(h.flows.stream().limit(84).allMatch(f -> f.reason() == MeteredFlow.ExportReason.EVICTED));
    }

    @Test
    void historyNeverExceedsFourteenLetters() {
        MeterHarness h = new MeterHarness();
        int[] all = {SYN, SYN | ACK, ACK, FIN, RST, SYN | FIN};
        for (int flags : all) {
            h.send(1, c2s(flags, 0)).send(1, s2c(flags, 0)).send(1, c2s(ACK, 5)).send(1, s2c(ACK, 5));
        }
        assertTrue(h.only().history().length() <= 14);
    }
}
