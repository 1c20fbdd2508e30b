package io.vigil.sensor.capture;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.decode.PacketDecoder;
import io.vigil.sensor.meter.DefragConfig;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.meter.OverlapPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.vigil.sensor.Frames.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fragments through {@link PacketIntake} to the real meter: one packet per reassembled datagram, or counted drops. */
class FragmentReassemblyTest {

    private static final String C = "10.0.0.1";
    private static final String S = "10.0.0.2";

    private final List<MeteredFlow> flows = new ArrayList<>();
    private long t = 1_600_000_000_000_000L;

    private PacketIntake intake(DefragConfig defrag) {
        MeterConfig config = MeterConfig.defaults().withMaxFlows(1024).withDefrag(defrag);
        return new PacketIntake(new FlowMeter(config, flows::add));
    }

    private PacketIntake intake() {
        return intake(DefragConfig.defaults());
    }

    private void send(PacketIntake in, long afterMillis, byte[] ip) {
        t += afterMillis * 1000;
        byte[] frame = ethernet(ip);
        in.frame(t, frame, 0, frame.length, PacketDecoder.DLT_EN10MB);
    }

    private MeteredFlow only(PacketIntake in) {
        in.flush();
        assertEquals(1, flows.size(), "flows: " + flows);
        return flows.get(0);
    }

    private static byte[] udpDatagram(int payload) {
        byte[] udp = udp(5000, 53, payload);
        for (int i = 8; i < udp.length; i++) {
            udp[i] = (byte) i;
        }
        return udp;
    }

    @Test
    void inOrderFragmentsAreMeteredAsOnePacketOfTheWholeDatagram() {
        PacketIntake in = intake();
        for (byte[] f : ipv4Fragments(C, S, 17, 7, udpDatagram(100), 32)) {
            send(in, 1, f);
        }
        MeteredFlow f = only(in);
        assertEquals(1, f.origPackets());
        assertEquals(20 + 8 + 100, f.origBytes(), "the reassembled datagram's IP length");
        assertEquals(5000, f.origPort());
        assertEquals(53, f.respPort());
        MeterCounters c = in.meter().counters();
        assertEquals(4, c.fragments);
        assertEquals(1, c.fragDatagramsReassembled);
        assertEquals(1, c.packets);
        assertEquals(20 + 8 + 100, c.bytes);
        assertEquals(0, in.defragmenter().pending());
        assertEquals(0, in.defragmenter().heldBytes());
    }

    @Test
    void outOfOrderFragmentsReassembleTheSameBytes() {
        PacketIntake in = intake();
        List<byte[]> parts = ipv4Fragments(C, S, 17, 7, udpDatagram(100), 32);
        Collections.reverse(parts);
        for (byte[] f : parts) {
            send(in, 1, f);
        }
        assertEquals(1, in.meter().counters().fragDatagramsReassembled);
        byte[] whole = Arrays.copyOf(in.defragmenter().datagram(), 128);
        assertArrayEquals(ipv4(C, S, 17, udpDatagram(100)), fixId(whole, 7), "header and data as sent unfragmented");
        assertEquals(128, only(in).origBytes());
    }

    /** The reassembled header keeps the fragments' identification; the unfragmented reference has id 1. */
    private static byte[] fixId(byte[] ip, int id) {
        assertEquals(id, ((ip[4] & 0xff) << 8) | (ip[5] & 0xff));
        ip[4] = 0;
        ip[5] = 1;
        return ip;
    }

    @Test
    void aDuplicateFragmentIsCountedAsAnOverlapAndTheDatagramStillCountsOnce() {
        PacketIntake in = intake();
        List<byte[]> parts = ipv4Fragments(C, S, 17, 9, udpDatagram(56), 32);
        send(in, 1, parts.get(0));
        send(in, 1, parts.get(0));
        send(in, 1, parts.get(1));
        MeterCounters c = in.meter().counters();
        assertEquals(3, c.fragments);
        assertEquals(1, c.fragOverlaps);
        assertEquals(0, c.fragOverlapsInconsistent, "identical bytes: Zeek's fragment_overlap, not an inconsistency");
        assertEquals(1, only(in).origPackets());
    }

    @Test
    void theTcpHeaderSplitInEightBytePiecesYieldsTheSynAsNmapFragmentsIt() {
        PacketIntake in = intake();
        // nmap -f: 24 bytes of TCP header (with its MSS option) in three 8-byte fragments.
        List<byte[]> parts = ipv4Fragments(C, S, 6, 4242, tcpWithMss(61000, 445, SYN), 8);
        assertEquals(3, parts.size());
        for (byte[] f : parts) {
            send(in, 0, f);
        }
        send(in, 1, ipv4(S, C, 6, tcp(445, 61000, RST | ACK, 0)));
        MeteredFlow f = only(in);
        assertEquals(ConnState.REJ, f.connState());
        assertEquals(SYN, f.origTcpFlags());
        assertEquals(445, f.respPort());
        assertEquals(61000, f.origPort());
        assertEquals(1, f.origPackets());
        assertEquals(44, f.origBytes());
        assertEquals(1, f.respPackets());
        assertEquals("Sr", f.history());
    }

    @Test
    void ipv6FragmentsWithAnUnfragmentableHeaderReassemble() {
        PacketIntake in = intake();
        byte[] udp = udpDatagram(200);
        send(in, 1, ipv6Fragment("2001:db8::1", "2001:db8::2", 17, 0x01020304, 104, false,
                Arrays.copyOfRange(udp, 104, udp.length), true));
        send(in, 1, ipv6Fragment("2001:db8::1", "2001:db8::2", 17, 0x01020304, 0, true,
                Arrays.copyOfRange(udp, 0, 104), true));
        MeteredFlow f = only(in);
        assertEquals(6, f.ipVersion());
        assertEquals(17, f.protocol());
        assertEquals(53, f.respPort());
        assertEquals(1, f.origPackets());
        assertEquals(40 + 8 + udp.length, f.origBytes(), "fixed header, hop-by-hop, then the UDP datagram");
        byte[] whole = in.defragmenter().datagram();
        assertEquals(0, whole[6], "the fixed header still names hop-by-hop");
        assertEquals(17, whole[40], "hop-by-hop now names UDP: the fragment header is gone");
    }

    @Test
    void anIncompleteDatagramTimesOutAndItsLateTailDoesNotResurrectIt() {
        PacketIntake in = intake(new DefragConfig(Duration.ofSeconds(30), 100, 1 << 20, OverlapPolicy.BSD));
        List<byte[]> parts = ipv4Fragments(C, S, 6, 77, tcpWithMss(40000, 22, SYN), 8);
        send(in, 0, parts.get(0));
        send(in, 0, parts.get(1));
        t += 29_000_000;
        in.advance(t);
        assertEquals(1, in.defragmenter().pending(), "29 s: still waiting");
        t += 1_000_000;
        in.advance(t);
        MeterCounters c = in.meter().counters();
        assertEquals(0, in.defragmenter().pending());
        assertEquals(1, c.fragDatagramsTimedOut);
        send(in, 0, parts.get(2));
        assertEquals(0, c.fragDatagramsReassembled, "the tail alone starts a new, incomplete datagram");
        in.flush();
        assertEquals(2, c.fragDatagramsTimedOut, "still incomplete at the end of the capture");
        assertEquals(3, c.fragments);
        assertEquals(0, c.packets);
        assertTrue(flows.isEmpty());
    }

    @Test
    void aFragmentThatIsNeverReassembledStaysCountedAndIsNotMetered() {
        PacketIntake in = intake();
        send(in, 0, ipv4Fragment(C, S, 17, 5, 64, true, new byte[32]));
        MeterCounters c = in.meter().counters();
        assertEquals(1, c.fragments);
        assertEquals(1, in.defragmenter().pending());
        in.flush();
        assertEquals(1, c.fragments);
        assertEquals(1, c.fragDatagramsTimedOut);
        assertEquals(0, c.packets);
        assertEquals(0, c.undecodable);
        assertTrue(flows.isEmpty());
    }

    @Test
    void theDatagramCapEvictsTheOldestFirst() {
        PacketIntake in = intake(new DefragConfig(Duration.ofSeconds(30), 2, 1 << 20, OverlapPolicy.BSD));
        List<List<byte[]>> datagrams = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            datagrams.add(ipv4Fragments(C, S, 17, id, udpDatagram(40), 32));
            send(in, 1, datagrams.get(id - 1).get(0));
        }
        MeterCounters c = in.meter().counters();
        assertEquals(2, in.defragmenter().pending());
        assertEquals(1, c.fragDatagramsEvicted);
        send(in, 1, datagrams.get(1).get(1));
        send(in, 1, datagrams.get(2).get(1));
        assertEquals(2, c.fragDatagramsReassembled, "the two newest complete");
        send(in, 1, datagrams.get(0).get(1));
        assertEquals(2, c.fragDatagramsReassembled, "the evicted oldest cannot");
    }

    @Test
    void theByteCapEvictsTheOldestFirst() {
        PacketIntake in = intake(new DefragConfig(Duration.ofSeconds(30), 100, 150_000, OverlapPolicy.BSD));
        send(in, 1, ipv4Fragment(C, S, 17, 1, 0, true, new byte[60_000]));
        send(in, 1, ipv4Fragment(C, S, 17, 2, 0, true, new byte[60_000]));
        MeterCounters c = in.meter().counters();
        assertEquals(0, c.fragDatagramsEvicted, "two 64 KiB buffers fit in 150,000 bytes");
        long held = in.defragmenter().heldBytes();
        assertTrue(held > 120_000 && held <= 150_000, "held " + held);
        send(in, 1, ipv4Fragment(C, S, 17, 3, 0, true, new byte[60_000]));
        assertEquals(1, c.fragDatagramsEvicted);
        assertEquals(2, in.defragmenter().pending());
        assertTrue(in.defragmenter().heldBytes() <= 150_000);
        send(in, 1, ipv4Fragment(C, S, 17, 1, 60_000, false, new byte[8]));
        assertEquals(0, c.fragDatagramsReassembled, "datagram 1 was the one evicted");
        send(in, 1, ipv4Fragment(C, S, 17, 3, 60_000, false, new byte[8]));
        assertEquals(1, c.fragDatagramsReassembled);
    }

    @Test
    void aDatagramReachingPast65535BytesIsDroppedAndCounted() {
        PacketIntake in = intake();
        send(in, 1, ipv4Fragment(C, S, 1, 66, 0, true, icmp(8, 0, new byte[1472])));
        send(in, 1, ipv4Fragment(C, S, 1, 66, 65_512, false, new byte[24]));
        MeterCounters c = in.meter().counters();
        assertEquals(1, c.fragDatagramsTooLarge);
        assertEquals(0, in.defragmenter().pending(), "the held first fragment is dropped with it");
        in.flush();
        assertEquals(0, c.fragDatagramsTimedOut);
        assertTrue(flows.isEmpty());
    }

    @Test
    void fragmentsOfInconsistentLengthDropTheirDatagram() {
        PacketIntake in = intake();
        send(in, 1, ipv4Fragment(C, S, 17, 3, 0, true, udpDatagram(24)));
        send(in, 1, ipv4Fragment(C, S, 17, 3, 40, false, new byte[16]));
        send(in, 1, ipv4Fragment(C, S, 17, 3, 48, false, new byte[16]));
        MeterCounters c = in.meter().counters();
        assertEquals(1, c.fragDatagramsBadLength, "two last fragments with different ends");
        send(in, 1, ipv4Fragment(C, S, 17, 4, 0, true, new byte[12]));
        assertEquals(2, c.fragDatagramsBadLength, "a fragment before the last that is not a multiple of 8 bytes");
        assertEquals(0, c.fragDatagramsReassembled);
        assertEquals(0, in.defragmenter().pending());
    }

    @Test
    void aFloodOfTinyFragmentsOfOneDatagramIsCutOffAfter512() {
        PacketIntake in = intake();
        for (int i = 0; i < 512; i++) {
            send(in, 0, ipv4Fragment(C, S, 17, 99, 8 * (511 - i), true, new byte[8]));
        }
        MeterCounters c = in.meter().counters();
        assertEquals(1, in.defragmenter().pending(), "512 fragments, arriving backwards, are still taken");
        send(in, 0, ipv4Fragment(C, S, 17, 99, 8 * 512, false, new byte[8]));
        assertEquals(1, c.fragDatagramsTooFragmented);
        assertEquals(0, in.defragmenter().pending());
        assertEquals(0, c.fragDatagramsReassembled);
        assertEquals(513, c.fragments);
    }

    /**
     * Each case lays a new fragment N over a held fragment E whose overlapping bytes include the TCP flags: E says
     * SYN, N says FIN. The expected winner per policy follows the rules Suricata implements for its defrag policies.
     */
    @Test
    void overlapsAreResolvedByThePolicyAndCountedAsInconsistent() {
        record Case(String name, int eStart, int eEnd, int nStart, int nEnd, String winners) {
        }
        // Datagram: 24 bytes of TCP header (with an MSS option) and 8 of payload; E and N lie within the header, as
        // [start, end) of the datagram's bytes, and the payload arrives last in a fragment of its own.
        List<Case> cases = List.of(
                new Case("same start, N longer", 0, 16, 0, 24, "LINUX LAST"),
                new Case("N starts before, ends inside E", 8, 24, 0, 16, "BSD LINUX LAST"),
                new Case("N starts before, ends with E", 8, 24, 0, 24, "BSD LINUX SOLARIS LAST"),
                new Case("N encloses E", 8, 16, 0, 24, "BSD LINUX WINDOWS SOLARIS LAST"));
        for (Case k : cases) {
            for (OverlapPolicy policy : OverlapPolicy.values()) {
                flows.clear();
                PacketIntake in = intake(new DefragConfig(Duration.ofSeconds(30), 100, 1 << 20, policy));
                byte[] held = Arrays.copyOf(tcpWithMss(40000, 80, SYN), 32);
                byte[] incoming = Arrays.copyOf(tcpWithMss(40000, 80, FIN), 32);
                send(in, 1, ipv4Fragment(C, S, 6, 1, k.eStart, true, Arrays.copyOfRange(held, k.eStart, k.eEnd)));
                send(in, 1, ipv4Fragment(C, S, 6, 1, k.nStart, true,
                        Arrays.copyOfRange(incoming, k.nStart, k.nEnd)));
                send(in, 1, ipv4Fragment(C, S, 6, 1, 24, false, Arrays.copyOfRange(held, 24, 32)));
                MeterCounters c = in.meter().counters();
                String label = k.name + " under " + policy;
                assertEquals(1, c.fragDatagramsReassembled, label);
                assertEquals(1, c.fragOverlaps, label);
                assertEquals(1, c.fragOverlapsInconsistent, label);
                boolean newWins = Arrays.asList(k.winners.split(" ")).contains(policy.name());
                assertEquals(newWins ? FIN : SYN, only(in).origTcpFlags(), label);
            }
        }
    }

    @Test
    void bsdIsTheDefaultPolicy() {
        assertEquals(OverlapPolicy.BSD, MeterConfig.defaults().defrag().policy());
        assertEquals(Duration.ofSeconds(30), MeterConfig.defaults().defrag().timeout());
    }
}
