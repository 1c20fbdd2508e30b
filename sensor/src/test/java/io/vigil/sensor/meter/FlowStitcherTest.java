package io.vigil.sensor.meter;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.Frames;
import io.vigil.sensor.collect.FlowRecord;
import io.vigil.sensor.output.IpText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.vigil.sensor.Frames.ACK;
import static io.vigil.sensor.Frames.FIN;
import static io.vigil.sensor.Frames.PSH;
import static io.vigil.sensor.Frames.RST;
import static io.vigil.sensor.Frames.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stitching exporters' one-way records into bidirectional flows, and what conn_state their flag unions give. */
class FlowStitcherTest {

    static final long T0 = 1_800_000_000_000L;
    static final Duration WAIT = Duration.ofSeconds(4);
    static final String CLIENT = "10.0.0.1";
    static final String SERVER = "10.0.0.2";

    final List<MeteredFlow> flows = new ArrayList<>();

    FlowStitcher stitcher() {
        return stitcher(MeterConfig.defaults().withMaxFlows(1024));
    }

    FlowStitcher stitcher(MeterConfig config) {
        return new FlowStitcher(config, WAIT, flows::add, i -> new byte[] {(byte) 192, 0, 2, (byte) i});
    }

    /** A one-way TCP/UDP record from exporter 1. */
    static FlowRecord rec(String src, String dst, int sport, int dport, int proto, int flags, long pkts, long bytes,
                          long startMs, long endMs) {
        FlowRecord r = new FlowRecord();
        r.ipVersion = 4;
        r.srcLo = v4(src);
        r.dstLo = v4(dst);
        r.srcPort = sport;
        r.dstPort = dport;
        r.protocol = proto;
        r.tcpFlags = flags;
        r.packets = pkts;
        r.bytes = bytes;
        r.startMs = startMs;
        r.endMs = endMs;
        r.exporter = 1;
        return r;
    }

    static long v4(String ip) {
        byte[] a = Frames.addr(ip);
        return 0x0000_ffff_0000_0000L | (a[0] & 0xffL) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff);
    }

    static FlowRecord icmp(String src, String dst, int type, long pkts, long at) {
        FlowRecord r = rec(src, dst, 0, 0, 1, 0, pkts, pkts * 84, at, at + 10);
        r.icmpTypeCode = type << 8;
        return r;
    }

    MeteredFlow only() {
        assertEquals(1, flows.size(), "flows: " + flows);
        return flows.get(0);
    }

    /**
     * conn_state and history are derived once per combination of flag unions and counter facts, then reused: one
     * stitcher taking thousands of random connections gives for each what a fresh stitcher gives for it alone.
     */
    @Test
    void reusedTcpDerivationsMatchFreshOnes() {
        java.util.Random random = new java.util.Random(3);
        FlowStitcher shared = stitcher();
        for (int i = 0; i < 5000; i++) {
            int cflags = random.nextInt(64);
            int sflags = random.nextInt(64);
            long cpkts = 1 + random.nextInt(4);
            long spkts = random.nextInt(4);
            long cbytes = cpkts * (40 + random.nextInt(200));
            long sbytes = spkts * (40 + random.nextInt(200));
            int port = 1024 + i;
            List<FlowRecord> records = new ArrayList<>();
            records.add(rec(CLIENT, SERVER, port, 443, 6, cflags, cpkts, cbytes, T0 + i, T0 + i + 5));
            if (spkts > 0) {
                records.add(rec(SERVER, CLIENT, 443, port, 6, sflags, spkts, sbytes, T0 + i + 1, T0 + i + 6));
            }
            flows.clear();
            FlowStitcher fresh = stitcher();
            for (FlowRecord r : records) {
                fresh.record(r, T0);
            }
            fresh.flush();
            MeteredFlow expected = only();
            flows.clear();
            for (FlowRecord r : records) {
                shared.record(r, T0);
            }
            shared.flush();
            MeteredFlow got = only();
            assertEquals(expected.connState(), got.connState(), expected.toString());
            assertEquals(expected.history(), got.history(), expected.toString());
        }
    }

    /**
     * A datagram's records taken as a batch (the collector's path: their table entries read ahead) make exactly the
     * flows, in the same order, that the same records taken one by one make: random connections over a small key
     * space (TCP, UDP, ICMP, two exporters, both directions, repeats), arrivals moving on so that the sweep runs.
     */
    @Test
    void aBatchOfRecordsStitchesExactlyAsTheSameRecordsOneByOne() {
        java.util.Random random = new java.util.Random(7);
        List<MeteredFlow> oneByOne = new ArrayList<>();
        List<MeteredFlow> batched = new ArrayList<>();
        MeterConfig config = MeterConfig.defaults().withMaxFlows(256);
        FlowStitcher single = new FlowStitcher(config, WAIT, oneByOne::add, i -> new byte[] {(byte) 192, 0, 2, (byte) i});
        FlowStitcher batch = new FlowStitcher(config, WAIT, batched::add, i -> new byte[] {(byte) 192, 0, 2, (byte) i});
        long arrival = T0;
        int[] protocols = {6, 6, 17, 1};
        for (int datagram = 0; datagram < 3000; datagram++) {
            arrival += random.nextInt(300);
            FlowRecord[] records = new FlowRecord[1 + random.nextInt(40)];
            for (int i = 0; i < records.length; i++) {
                int proto = protocols[random.nextInt(protocols.length)];
                int host = random.nextInt(40);
                boolean reverse = random.nextBoolean();
                String client = "10.0.0." + (1 + host % 7);
                String server = "10.0.1." + (1 + host / 7);
                int cport = 40000 + host;
                int sport = proto == 17 ? 53 : 443;
                long start = arrival - 2000 + random.nextInt(1000);
                FlowRecord r = proto == 1 ? icmp(reverse ? server : client, reverse ? client : server,
                        reverse ? 0 : 8, 1 + random.nextInt(3), start)
                        : rec(reverse ? server : client, reverse ? client : server, reverse ? sport : cport,
                        reverse ? cport : sport, proto, random.nextInt(64), 1 + random.nextInt(9),
                        60 + random.nextInt(3000), start, start + random.nextInt(500));
                r.exporter = 1 + random.nextInt(2);
                records[i] = r;
            }
            for (FlowRecord r : records) {
                single.record(r, arrival);
            }
            batch.records(records, records.length, arrival);
        }
        single.flush();
        batch.flush();
        assertEquals(single.records(), batch.records());
        assertEquals(oneByOne.size(), batched.size());
        for (int i = 0; i < oneByOne.size(); i++) {
            MeteredFlow expected = oneByOne.get(i);
            MeteredFlow got = batched.get(i);
            assertArrayEquals(io.vigil.sensor.output.FlowProtos.toByteArray(expected),
                    io.vigil.sensor.output.FlowProtos.toByteArray(got), expected.toString());
            assertEquals(expected.reason(), got.reason());
        }
        assertTrue(oneByOne.size() > 10_000, "flows: " + oneByOne.size());
    }

    @Test
    void stitchesTheTwoDirectionsOfAConnectionIntoOneFlow() {
        FlowStitcher s = stitcher();
        s.record(rec(SERVER, CLIENT, 443, 40000, 6, SYN | ACK | PSH | FIN, 8, 6000, T0 + 1, T0 + 900), T0 + 20_000);
        s.record(rec(CLIENT, SERVER, 40000, 443, 6, SYN | ACK | PSH | FIN, 10, 1200, T0, T0 + 901), T0 + 20_000);
        s.advance(T0 + 22_000);
        MeteredFlow f = only();
        assertEquals(CLIENT, IpText.of(f.origAddr()));
        assertEquals(443, f.respPort());
        assertEquals(10, f.origPackets());
        assertEquals(6000, f.respBytes());
        assertEquals(T0 * 1000, f.startMicros());
        assertEquals((T0 + 901) * 1000, f.endMicros());
        assertEquals(ConnState.SF, f.connState());
        assertEquals("ShADadFf", f.history());
        assertEquals(MeteredFlow.ExportReason.END, f.reason());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, f.source().exporter());
        assertEquals(1, f.source().samplingRate());
        // Both directions in and finished: out at once, without waiting for anything.
        assertEquals(new CommunityId().of(Frames.addr(CLIENT), Frames.addr(SERVER), 6, 40000, 443), f.communityId());
    }

    @Test
    void aLoneSynWaitsForItsReverseThenLeavesAsAnAttempt() {
        FlowStitcher s = stitcher();
        s.record(rec(CLIENT, SERVER, 40000, 22, 6, SYN, 3, 180, T0, T0 + 9_000), T0 + 25_000);
        s.advance(T0 + 28_000);
        assertEquals(List.of(), flows, "still within the 4 s stitch wait");
        s.advance(T0 + 30_000);
        MeteredFlow f = only();
        assertEquals(ConnState.S0, f.connState());
        assertEquals("S", f.history());
        assertEquals(MeteredFlow.ExportReason.IDLE, f.reason());
    }

    @Test
    void aLoneSynAckFromAServicePortIsBackscatterAnsweredByItsReceiver() {
        FlowStitcher s = stitcher();
        // A victim of spoofed SYNs answers hosts that never asked: Zeek (and the meter) make the receiver the
        // originator, so the victim is no scanner.
        s.record(rec("202.229.120.98", "192.150.186.117", 80, 6557, 6, SYN | ACK, 2, 92, T0, T0 + 3000), T0 + 5000);
        s.flush();
        MeteredFlow f = only();
        assertEquals("192.150.186.117", IpText.of(f.origAddr()));
        assertEquals(0, f.origPackets());
        assertEquals(0, f.origTcpFlags());
        assertEquals(ConnState.OTH, f.connState());
        assertEquals("h", f.history());
    }

    @Test
    void aLoneSynAckWithDataFromAClientPortIsTheClientSeenAlone() {
        FlowStitcher s = stitcher();
        s.record(rec(CLIENT, SERVER, 40000, 443, 6, SYN | ACK | PSH | FIN, 9, 2000, T0, T0 + 800), T0 + 5000);
        s.flush();
        assertEquals(CLIENT, IpText.of(only().origAddr()));
    }

    @Test
    void udpClientIsTheEphemeralPortAndPayloadGivesItsLetters() {
        FlowStitcher s = stitcher();
        s.record(rec(SERVER, CLIENT, 53, 51000, 17, 0, 1, 120, T0, T0), T0 + 1000);
        s.record(rec(CLIENT, SERVER, 51000, 53, 17, 0, 1, 60, T0, T0), T0 + 1000);
        s.flush();
        MeteredFlow f = only();
        assertEquals(CLIENT, IpText.of(f.origAddr()));
        assertEquals(ConnState.SF, f.connState());
        assertEquals("Dd", f.history());
    }

    @Test
    void anIcmpEchoAndItsReplyAreOneFlowFromTheRequester() {
        FlowStitcher s = stitcher();
        s.record(icmp(SERVER, CLIENT, 0, 4, T0), T0 + 1000);
        s.record(icmp(CLIENT, SERVER, 8, 4, T0), T0 + 1000);
        s.record(icmp(CLIENT, "10.0.0.9", 8, 1, T0), T0 + 1000);
        s.flush();
        assertEquals(2, flows.size());
        MeteredFlow f = flows.stream().filter(x -> x.respPackets() > 0).findFirst().orElseThrow();
        assertEquals(CLIENT, IpText.of(f.origAddr()));
        assertEquals(8, f.icmpType());
        assertEquals(ConnState.OTH, f.connState());
    }

    @Test
    void recordsAnExporterSplitOneConnectionIntoAreGatheredByTheCloseLinger() {
        FlowStitcher s = stitcher();
        // nfdump keys ICMP by echo identifier and sequence: three echoes and their replies are six records, sent
        // together in no particular order; the meter (as Zeek) makes one flow of them.
        s.record(icmp(CLIENT, SERVER, 8, 1, T0), T0 + 5000);
        s.record(icmp(SERVER, CLIENT, 0, 1, T0 + 1), T0 + 5000);
        s.record(icmp(SERVER, CLIENT, 0, 1, T0 + 1001), T0 + 5000);
        s.record(icmp(CLIENT, SERVER, 8, 1, T0 + 1000), T0 + 5001);
        s.record(icmp(CLIENT, SERVER, 8, 1, T0 + 2000), T0 + 5001);
        s.record(icmp(SERVER, CLIENT, 0, 1, T0 + 2001), T0 + 5002);
        s.advance(T0 + 7500);
        MeteredFlow f = only();
        assertEquals(CLIENT, IpText.of(f.origAddr()));
        assertEquals(3, f.origPackets());
        assertEquals(3, f.respPackets());
    }

    @Test
    void recordsOfOneKeyFurtherApartThanTheIdleTimeoutAreSeparateFlows() {
        FlowStitcher s = stitcher();
        // A capture replayed by an exporter arrives at once although its flows were hours apart.
        s.record(rec(CLIENT, SERVER, 40000, 445, 6, SYN, 1, 60, T0, T0), T0 + 1000);
        s.record(rec(CLIENT, SERVER, 40000, 445, 6, SYN, 1, 60, T0 + 3_600_000, T0 + 3_600_000), T0 + 1000);
        s.flush();
        assertEquals(2, flows.size());
        assertEquals(MeteredFlow.ExportReason.IDLE, flows.get(0).reason());
    }

    @Test
    void slicesOfOneDirectionMergeUntilTheActiveTimeout() {
        FlowStitcher s = stitcher();
        // An exporter with a 60 s active timeout slices a long download; the stitcher keeps 300 s slices as the meter.
        for (int i = 0; i < 7; i++) {
            long start = T0 + i * 60_000L;
            s.record(rec(CLIENT, SERVER, 40000, 443, 6, ACK | PSH | (i == 0 ? SYN : 0), 100, 8000, start,
                    start + 59_000), T0 + 100 + i);
        }
        s.flush();
        assertEquals(2, flows.size());
        assertEquals(500, flows.get(0).origPackets());
        assertEquals(MeteredFlow.ExportReason.ACTIVE, flows.get(0).reason());
        assertEquals(200, flows.get(1).origPackets());
    }

    @Test
    void recordsOfTwoExportersNeverStitchTogether() {
        FlowStitcher s = stitcher();
        FlowRecord viaSecondFirewall = rec(SERVER, CLIENT, 443, 40000, 6, SYN | ACK, 1, 60, T0, T0);
        viaSecondFirewall.exporter = 2;
        s.record(rec(CLIENT, SERVER, 40000, 443, 6, SYN, 1, 60, T0, T0), T0 + 1000);
        s.record(viaSecondFirewall, T0 + 1000);
        s.flush();
        assertEquals(2, flows.size());
        assertEquals(2, flows.stream().map(f -> f.source().exporter()[3]).distinct().count());
    }

    @Test
    void aBiflowRecordCarriesBothDirectionsAndTheSamplingRateIsKept() {
        FlowStitcher s = stitcher();
        FlowRecord r = rec(CLIENT, SERVER, 40000, 80, 6, SYN, 10, 600, T0, T0 + 10);
        r.hasReverse = true;
        r.reversePackets = 10;
        r.reverseBytes = 400;
        r.reverseTcpFlags = RST | ACK;
        r.samplingRate = 10;
        s.record(r, T0 + 1000);
        s.advance(T0 + 3000);
        MeteredFlow f = only();
        assertEquals(ConnState.REJ, f.connState());
        assertEquals("Sr", f.history());
        assertEquals(10, f.respPackets());
        assertEquals(10, f.source().samplingRate());
    }

    @Test
    void aFullTableExportsTheLeastRecentlyArrivedEarly() {
        FlowStitcher s = stitcher(MeterConfig.defaults().withMaxFlows(16));
        for (int i = 0; i < 17; i++) {
            s.record(rec(CLIENT, SERVER, 40000 + i, 22, 6, SYN, 1, 60, T0, T0), T0 + i * 100L);
        }
        assertEquals(1, flows.size());
        assertEquals(MeteredFlow.ExportReason.EVICTED, flows.get(0).reason());
        assertEquals(16, s.activeFlows());
        assertEquals(1, s.flowsEvicted());
    }

    @Test
    void originatorRulesInOrder() {
        // SYN without ACK; the receiver of a SYN-ACK; the side not answering with a bare reset; the earlier packet;
        // the service port; the first record.
        assertEquals(true, FlowStitcher.originatorIsA(6, true, true, SYN | RST, SYN | ACK, 0, 0, 5, 5, 40000, 80, false));
        assertEquals(false, FlowStitcher.originatorIsA(6, true, true, SYN | ACK | RST, RST, 0, 0, 5, 5, 80, 40000, true));
        assertEquals(true, FlowStitcher.originatorIsA(6, true, true, ACK, RST, 0, 0, 5, 5, 50000, 40000, false));
        assertEquals(false, FlowStitcher.originatorIsA(6, true, true, ACK | PSH, ACK | PSH, 0, 0, 6, 5, 40000, 80, true));
        assertEquals(false, FlowStitcher.originatorIsA(17, true, true, 0, 0, 0, 0, 5, 5, 53, 51000, true));
        assertEquals(true, FlowStitcher.originatorIsA(17, true, true, 0, 0, 0, 0, 5, 5, 40001, 40002, true));
    }

    /** One TCP segment of a scripted exchange: from the client (originator) or the server, flags, payload. */
    record Seg(boolean fromClient, int flags, int payload) {
    }

    static Seg c(int flags) {
        return new Seg(true, flags, (flags & PSH) != 0 ? 100 : 0);
    }

    static Seg s(int flags) {
        return new Seg(false, flags, (flags & PSH) != 0 ? 100 : 0);
    }

    static Stream<Object[]> exchanges() {
        return Stream.of(
                new Object[] {"established and closed", List.of(c(SYN), s(SYN | ACK), c(ACK), c(ACK | PSH), s(ACK),
                        s(ACK | PSH), c(ACK), c(FIN | ACK), s(FIN | ACK), c(ACK))},
                new Object[] {"refused", List.of(c(SYN), s(RST | ACK))},
                new Object[] {"refused thrice", List.of(c(SYN), s(RST | ACK), c(SYN), s(RST | ACK), c(SYN),
                        s(RST | ACK))},
                new Object[] {"handshake, then quiet", List.of(c(SYN), s(SYN | ACK), c(ACK))},
                new Object[] {"unanswered, retried", List.of(c(SYN), c(SYN), c(SYN))},
                new Object[] {"half-open scan of an open port", List.of(c(SYN), s(SYN | ACK), c(RST))},
                new Object[] {"connect scan of an open port", List.of(c(SYN), s(SYN | ACK), c(ACK), c(RST | ACK))},
                new Object[] {"aborted by the client", List.of(c(SYN), s(SYN | ACK), c(ACK), c(ACK | PSH), s(ACK),
                        c(RST | ACK))},
                new Object[] {"aborted by the server", List.of(c(SYN), s(SYN | ACK), c(ACK), c(ACK | PSH), s(ACK),
                        s(RST))},
                new Object[] {"established, open", List.of(c(SYN), s(SYN | ACK), c(ACK), c(ACK | PSH), s(ACK | PSH))},
                new Object[] {"client closed half", List.of(c(SYN), s(SYN | ACK), c(ACK), c(FIN | ACK), s(ACK))},
                new Object[] {"server closed half", List.of(c(SYN), s(SYN | ACK), c(ACK), s(FIN | ACK), c(ACK))},
                new Object[] {"SYN then FIN", List.of(c(SYN), c(FIN))},
                new Object[] {"SYN then RST", List.of(c(SYN), c(RST))},
                new Object[] {"ACK probe answered by a reset", List.of(c(ACK), s(RST))},
                new Object[] {"ACK probe unanswered", List.of(c(ACK))},
                new Object[] {"FIN probe refused", List.of(c(FIN), s(RST | ACK))},
                new Object[] {"Xmas probe", List.of(c(FIN | PSH | 0x20))},
                new Object[] {"mid-stream", List.of(c(ACK | PSH), s(ACK), s(ACK | PSH), c(ACK))},
                new Object[] {"SYN-ACK backscatter reset", List.of(s(SYN | ACK), s(RST))},
                new Object[] {"SYN-ACK backscatter retransmitted", List.of(s(SYN | ACK), s(SYN | ACK), s(SYN | ACK))},
                new Object[] {"SYN-ACK then FIN", List.of(s(SYN | ACK), s(FIN | ACK))});
    }

    /**
     * The same exchange metered from its packets and stitched from the two records an exporter makes of it: the same
     * originator, counts and conn_state, and the same history letters but for 'A'/'a' (a pure ACK is inferred from
     * packet counts) and their order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("exchanges")
    void recordsOfAnExchangeGiveTheMetersConnState(String name, List<Seg> segments) {
        MeterHarness meter = new MeterHarness();
        long[] first = {0, 0};
        long[] last = {0, 0};
        long[] pkts = {0, 0};
        long[] bytes = {0, 0};
        int[] flags = {0, 0};
        long t = 0;
        for (Seg seg : segments) {
            String src = seg.fromClient() ? CLIENT : SERVER;
            String dst = seg.fromClient() ? SERVER : CLIENT;
            int sport = seg.fromClient() ? 40000 : 80;
            int dport = seg.fromClient() ? 80 : 40000;
            meter.send(1, Frames.ethernet(Frames.ipv4(src, dst, 6, Frames.tcp(sport, dport, seg.flags(), seg.payload()))));
            t++;
            int d = seg.fromClient() ? 0 : 1;
            first[d] = first[d] == 0 ? t : first[d];
            last[d] = t;
            pkts[d]++;
            bytes[d] += 40 + seg.payload();
            flags[d] |= seg.flags();
        }
        MeteredFlow metered = meter.only();
        FlowStitcher s = stitcher();
        if (pkts[1] > 0) {
            s.record(rec(SERVER, CLIENT, 80, 40000, 6, flags[1], pkts[1], bytes[1], T0 + first[1], T0 + last[1]), T0);
        }
        if (pkts[0] > 0) {
            s.record(rec(CLIENT, SERVER, 40000, 80, 6, flags[0], pkts[0], bytes[0], T0 + first[0], T0 + last[0]), T0);
        }
        s.flush();
        MeteredFlow stitched = only();
        assertEquals(IpText.of(metered.origAddr()), IpText.of(stitched.origAddr()), name + ": originator");
        assertEquals(metered.origPackets(), stitched.origPackets(), name);
        assertEquals(metered.respBytes(), stitched.respBytes(), name);
        assertEquals(metered.origTcpFlags(), stitched.origTcpFlags(), name);
        assertEquals(metered.connState(), stitched.connState(), name + ": " + metered.history() + " vs " + stitched.history());
        assertEquals(letters(metered.history()), letters(stitched.history()), name);
    }

    private static String letters(String history) {
        return history.chars().filter(ch -> ch != 'A' && ch != 'a').sorted()
                .mapToObj(ch -> String.valueOf((char) ch)).collect(Collectors.joining());
    }

    /**
     * A sink that takes wire bytes gets, flow for flow, exactly the bytes of the flows a plain sink gets: TCP, UDP,
     * ICMP, ICMPv6 and GRE, IPv4 and IPv6, both directions or one, biflows, two exporters, sampling, VLANs, and flows
     * leaving by the stitch wait, at their end and at the flush.
     */
    @Test
    void wireSinkGetsTheBytesOfTheFlowsAPlainSinkGets() {
        List<byte[]> plain = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        MeterConfig config = MeterConfig.defaults().withMaxFlows(4096);
        java.util.function.IntFunction<byte[]> exporters = i -> i == 1 ? new byte[] {(byte) 192, 0, 2, 1}
                : new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) i};
        FlowStitcher a = new FlowStitcher(config, WAIT, f -> plain.add(io.vigil.sensor.output.FlowProtos.toByteArray(f)),
                exporters);
        FlowStitcher b = new FlowStitcher(config, WAIT, new FlowSink.Wire() {
            @Override
            public void accept(MeteredFlow flow) {
                throw new AssertionError("a wire sink gets bytes");
            }

            @Override
            public void acceptWire(byte[] bytes, int length) {
                wire.add(java.util.Arrays.copyOf(bytes, length));
            }
        }, exporters);
        java.util.Random random = new java.util.Random(7);
        int[] protocols = {6, 6, 6, 17, 17, 1, 58, 47};
        int[] flagSets = {SYN, SYN | ACK, ACK, ACK | PSH, SYN | ACK | FIN, ACK | FIN | PSH, RST, RST | ACK, 0};
        long now = T0;
        for (int i = 0; i < 20_000; i++) {
            FlowRecord r = new FlowRecord();
            r.protocol = protocols[random.nextInt(protocols.length)];
            r.ipVersion = r.protocol == 58 || random.nextInt(5) == 0 ? 6 : 4;
            long x = random.nextInt(16);
            long y = 16 + random.nextInt(16);
            boolean forward = random.nextBoolean();
            if (r.ipVersion == 4) {
                r.srcLo = 0x0000_ffff_0a00_0000L | (forward ? x : y);
                r.dstLo = 0x0000_ffff_0a00_0000L | (forward ? y : x);
            } else {
                r.srcHi = 0x2001_0db8_0000_0000L | (forward ? x : y);
                r.dstHi = 0x2001_0db8_0000_0000L | (forward ? y : x);
                r.srcLo = forward ? x : ~y;
                r.dstLo = forward ? y : ~x;
            }
            int client = 40_000 + random.nextInt(4);
            int server = random.nextBoolean() ? 443 : 53;
            r.srcPort = forward ? client : server;
            r.dstPort = forward ? server : client;
            if (r.protocol == 1 || r.protocol == 58) {
                int[] types = r.protocol == 1 ? new int[] {8, 0, 3, 11} : new int[] {128, 129, 1};
                r.icmpTypeCode = types[random.nextInt(types.length)] << 8 | random.nextInt(4);
            }
            r.tcpFlags = r.protocol == 6 ? flagSets[random.nextInt(flagSets.length)] : 0;
            r.packets = 1 + random.nextInt(20);
            r.bytes = r.packets * (40 + random.nextInt(1400));
            r.startMs = now - random.nextInt(30_000);
            r.endMs = r.startMs + random.nextInt(5_000);
            r.exporter = 1 + random.nextInt(2);
            r.samplingRate = random.nextInt(4) == 0 ? 4 : 1;
            r.vlan = random.nextInt(3) == 0 ? random.nextInt(4095) : 0;
            if (random.nextInt(10) == 0) {
                r.hasReverse = true;
                r.reversePackets = random.nextInt(10);
                r.reverseBytes = r.reversePackets * 60;
                r.reverseTcpFlags = r.protocol == 6 ? flagSets[random.nextInt(flagSets.length)] : 0;
            }
            now += random.nextInt(3);
            a.record(r, now);
            b.record(r, now);
        }
        a.advance(now + 2_000);
        b.advance(now + 2_000);
        a.flush();
        b.flush();
        assertTrue(plain.size() > 1000, "flows: " + plain.size());
        assertEquals(plain.size(), wire.size());
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i), wire.get(i), "flow " + i);
        }
    }
}
