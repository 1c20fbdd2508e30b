package io.vigil.sensor.collect;

import io.vigil.sensor.collect.ExportDatagrams.Message;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static io.vigil.sensor.collect.ExportDatagrams.BYTES;
import static io.vigil.sensor.collect.ExportDatagrams.DST_PORT;
import static io.vigil.sensor.collect.ExportDatagrams.DST_V4;
import static io.vigil.sensor.collect.ExportDatagrams.DST_V6;
import static io.vigil.sensor.collect.ExportDatagrams.END_MS;
import static io.vigil.sensor.collect.ExportDatagrams.FLOW_V4;
import static io.vigil.sensor.collect.ExportDatagrams.PACKETS;
import static io.vigil.sensor.collect.ExportDatagrams.PROTOCOL;
import static io.vigil.sensor.collect.ExportDatagrams.SRC_PORT;
import static io.vigil.sensor.collect.ExportDatagrams.SRC_V4;
import static io.vigil.sensor.collect.ExportDatagrams.SRC_V6;
import static io.vigil.sensor.collect.ExportDatagrams.START_MS;
import static io.vigil.sensor.collect.ExportDatagrams.SYSTEM_INIT_MS;
import static io.vigil.sensor.collect.ExportDatagrams.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Templates kept per exporter and observation domain, through refreshes, redefinitions, restarts and expiry. */
class TemplateHandlingTest {

    static final long NOW = 1_800_000_000_000L;
    static final long SECS = NOW / 1000;
    static final String FIREWALL = "192.0.2.1";

    @Test
    void decodesNetflowV5RecordsWithTheirTimes() {
        Decoding d = new Decoding();
        // Exported at uptime 10,000 ms: a flow from uptime 4,000 to 9,000 ended a second before the export.
        d.send(FIREWALL, ExportDatagrams.v5(10_000, SECS, 1, 0,
                new Object[] {"10.0.0.1", "10.0.0.2", 40000, 443, 6, 0x1b, 12L, 4000L, 4_000L, 9_000L}), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals("10.0.0.1", r.src());
        assertEquals(443, r.dport());
        assertEquals(0x1b, r.flags());
        assertEquals(12, r.packets());
        assertEquals(NOW - 6_000, r.startMs());
        assertEquals(NOW - 1_000, r.endMs());
        assertEquals(1, r.rate());
    }

    @Test
    void decodesV9DataWithTheTemplateItsExporterSent() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.v9(60_000, SECS, 1, 0).template(300, FLOW_V4)
                .data(300, flow("10.0.0.1", "10.0.0.2", 40000, 22, 6, 0x02, 1, 60, 59_000, 59_000),
                        flow("10.0.0.2", "10.0.0.1", 22, 40000, 6, 0x14, 1, 40, 59_001, 59_001)).build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(2, got.size());
        assertEquals("10.0.0.2", got.get(1).src());
        assertEquals(0x14, got.get(1).flags());
        assertEquals(NOW - 1_000, got.get(0).startMs());
        assertEquals(NOW - 999, got.get(1).startMs());
    }

    @Test
    void keepsTemplatesApartPerExporterAndObservationDomain() {
        Decoding d = new Decoding();
        int[] v6 = {SRC_V6, 16, DST_V6, 16, SRC_PORT, 2, DST_PORT, 2, PROTOCOL, 1, PACKETS, 8, BYTES, 8,
            START_MS, 8, END_MS, 8};
        // The same template id means different layouts in domain 1 and domain 2 of one exporter, and at another one.
        d.send(FIREWALL, Message.ipfix(SECS, 0, 1).template(256, FLOW_V4).build(), NOW);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 2).template(256, v6).build(), NOW);
        d.send("192.0.2.2", Message.ipfix(SECS, 0, 1).template(256, v6).build(), NOW);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 1).data(256,
                flow("10.0.0.1", "10.0.0.2", 1, 2, 17, 0, 1, 100, 0, 0)).build(), NOW);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 2).data(256, b -> b.addr("2001:db8::1").addr("2001:db8::2")
                .u16(5353).u16(53).u8(17).u64(3).u64(300).u64(NOW - 10).u64(NOW - 5)).build(), NOW);
        d.send("192.0.2.2", Message.ipfix(SECS, 0, 1).data(256, b -> b.addr("2001:db8::3").addr("2001:db8::4")
                .u16(1).u16(2).u8(17).u64(1).u64(80).u64(NOW - 10).u64(NOW - 5)).build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(List.of("10.0.0.1", "2001:db8::1", "2001:db8::3"), got.stream().map(Decoding.Got::src).toList());
        assertEquals(300, got.get(1).bytes());
        assertEquals(NOW - 10, got.get(1).startMs());
        assertEquals(d.exporter(FIREWALL).index, got.get(0).exporter());
        assertEquals(d.exporter("192.0.2.2").index, got.get(2).exporter());
        assertEquals(3, d.exporters.templates());
    }

    @Test
    void aTemplateRefreshKeepsDecodingAndARedefinitionReplacesIt() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.v9(1_000, SECS, 1, 0).template(256, FLOW_V4).build(), NOW);
        d.send(FIREWALL, Message.v9(2_000, SECS, 2, 0).template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 1_500, 1_500)).build(), NOW + 1_000);
        assertEquals(1, d.take().size());
        assertEquals(1, d.exporters.templates());
        // Redefined with the addresses last: the new layout decodes, the old one is gone.
        int[] addressesLast = {SRC_PORT, 2, DST_PORT, 2, PROTOCOL, 1, SRC_V4, 4, DST_V4, 4};
        d.send(FIREWALL, Message.v9(3_000, SECS, 3, 0).template(256, addressesLast)
                .data(256, b -> b.u16(5000).u16(53).u8(17).addr("10.0.0.7").addr("10.0.0.8")).build(), NOW + 2_000);
        Decoding.Got r = d.take().get(0);
        assertEquals("10.0.0.7", r.src());
        assertEquals(53, r.dport());
        assertEquals(1, d.exporters.templates());
    }

    @Test
    void survivesAnExporterRestartWithSequenceAndUptimeReset() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.v9(86_400_000, SECS, 5_123, 0).template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 86_399_000, 86_399_000)).build(), NOW);
        // Rebooted: uptime 2 s, sequence 1, and data before its templates come again. The kept template decodes it,
        // and times count from the new uptime.
        d.send(FIREWALL, Message.v9(2_000, SECS + 10, 1, 0)
                .data(256, flow("10.0.0.3", "10.0.0.4", 1, 2, 6, 2, 1, 40, 1_000, 1_500)).build(), NOW + 10_000);
        List<Decoding.Got> got = d.take();
        assertEquals(2, got.size());
        assertEquals("10.0.0.3", got.get(1).src());
        assertEquals(NOW + 10_000 - 1_000, got.get(1).startMs());
        Exporters.Exporter e = d.exporter(FIREWALL);
        assertEquals(1, e.restarts);
        assertEquals(0, e.lost, "a restart is not a loss");
        assertEquals(0, e.withoutTemplate);
    }

    @Test
    void countsDataWithoutATemplateAndDecodesOnceTheTemplateArrives() {
        Decoding d = new Decoding();
        byte[] data = Message.v9(1_000, SECS, 1, 7).data(400,
                flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900)).build();
        d.send(FIREWALL, data, NOW);
        assertEquals(List.of(), d.take());
        assertEquals(1, d.exporter(FIREWALL).withoutTemplate);
        d.send(FIREWALL, Message.v9(2_000, SECS, 2, 7).template(400, FLOW_V4)
                .data(400, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 1_900, 1_900)).build(), NOW + 1_000);
        assertEquals(1, d.take().size());
    }

    @Test
    void dropsATemplateNotRefreshedWithinItsLifetime() {
        Decoding d = new Decoding(CollectorConfig.defaults(List.of(new InetSocketAddress(0)))
                .withTemplateLifetime(Duration.ofMinutes(30)));
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).build(), NOW);
        byte[] data = Message.ipfix(SECS, 0, 0).data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0)).build();
        d.send(FIREWALL, data, NOW + Duration.ofMinutes(29).toMillis());
        assertEquals(1, d.take().size());
        // RFC 3954 §9: a collector must not decode with an expired template.
        d.send(FIREWALL, data, NOW + Duration.ofMinutes(61).toMillis());
        assertEquals(List.of(), d.take());
        assertEquals(1, d.exporters.templatesExpired);
        assertEquals(0, d.exporters.templates());
    }

    @Test
    void countsSkippedSequenceNumbersAsLostAndLateDatagramsApart() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.v9(1_000, SECS, 10, 0).template(256, FLOW_V4).build(), NOW);
        d.send(FIREWALL, Message.v9(2_000, SECS, 14, 0).build(), NOW);
        d.send(FIREWALL, Message.v9(2_100, SECS, 12, 0).build(), NOW);
        d.send(FIREWALL, Message.v9(3_000, SECS, 15, 0).build(), NOW);
        Exporters.Exporter e = d.exporter(FIREWALL);
        assertEquals(3, e.lost, "v9 counts export packets: 11, 12 and 13 were missing when 14 came");
        assertEquals(1, e.late);
        assertEquals(0, e.restarts);
    }

    @Test
    void ipfixSequenceCountsDataRecordsEitherWayExportersDo() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).build(), NOW);
        byte[] two = Message.ipfix(SECS, 0, 0).data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0),
                flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0)).build();
        // RFC 7011: records before this message (0, then 2, then 4); softflowd: including its own (2, 4, 6).
        for (long seq : new long[] {0, 2, 4}) {
            d.send(FIREWALL, withSequence(two, seq), NOW);
        }
        d.send("192.0.2.9", Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).build(), NOW);
        for (long seq : new long[] {2, 4, 6}) {
            d.send("192.0.2.9", withSequence(two, seq), NOW);
        }
        assertEquals(0, d.exporter(FIREWALL).lost);
        assertEquals(0, d.exporter("192.0.2.9").lost);
        d.send(FIREWALL, withSequence(two, 16), NOW);
        assertEquals(10, d.exporter(FIREWALL).lost, "6 was next: 10 records went missing");
    }

    @Test
    void aSequenceStartingAgainFromZeroIsARestartHoweverLittleCameBefore() {
        Decoding d = new Decoding();
        for (long seq : new long[] {1, 2, 3, 1, 2}) {
            d.send(FIREWALL, Message.v9(1_000, SECS, seq, 0).template(256, FLOW_V4).build(), NOW);
        }
        Exporters.Exporter e = d.exporter(FIREWALL);
        assertEquals(1, e.restarts);
        assertEquals(0, e.late);
        assertEquals(0, e.lost);
    }

    @Test
    void ipfixUptimeStampsCountFromTheSystemInitTimeInOptions() {
        Decoding d = new Decoding();
        long init = NOW - 3_600_000;
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0)
                .optionsTemplate(258, new int[] {149, 4}, new int[] {SYSTEM_INIT_MS, 8})
                .data(258, b -> b.u32(0).u64(init))
                .template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 3_000_000, 3_001_000)).build(), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals(init + 3_000_000, r.startMs());
        assertEquals(init + 3_001_000, r.endMs());
    }

    @Test
    void readsUptimeStampsAcrossThe32BitWrapAndOutOfOrderEnds() {
        Decoding d = new Decoding();
        // The router has been up 49.7 days: its uptime wrapped to 5,000 ms after the flow began at 2^32 - 3,000.
        // And a record whose end is before its start (softflowd on an out-of-order capture) spans the two times.
        d.send(FIREWALL, Message.v9(5_000, SECS, 1, 0).template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0xffff_ffffL - 2_999, 4_000),
                        flow("10.0.0.3", "10.0.0.4", 1, 2, 6, 2, 2, 80, 4_500, 3_500)).build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(NOW - 8_000, got.get(0).startMs());
        assertEquals(NOW - 1_000, got.get(0).endMs());
        assertEquals(NOW - 1_500, got.get(1).startMs());
        assertEquals(NOW - 500, got.get(1).endMs());
    }

    @Test
    void readsIpfixAbsoluteTimesVariableLengthAndEnterpriseFields() {
        Decoding d = new Decoding();
        long ntpSeconds = SECS + 2_208_988_800L;
        Message m = Message.ipfix(SECS, 0, 0);
        // An enterprise field (bit 15, then its number), a variable-length string, µs in NTP format, then the rest.
        ExportDatagrams.Bytes t = new ExportDatagrams.Bytes().u16(256).u16(7)
                .u16(0x8000 | 42).u16(4).u32(9).u16(82).u16(65535).u16(154).u16(8).u16(155).u16(8)
                .u16(SRC_V4).u16(4).u16(DST_V4).u16(4).u16(PROTOCOL).u16(1);
        m.set(2, t.bytes());
        m.data(256, b -> b.u32(0xdeadbeef).u8(4).raw("eth0".getBytes()).u32(ntpSeconds - 2).u32(1L << 31)
                .u32(ntpSeconds).u32(0).addr("10.1.1.1").addr("10.1.1.2").u8(50),
                b -> b.u32(0).u8(255).u16(3).raw("wan".getBytes()).u32(ntpSeconds - 1).u32(0).u32(ntpSeconds).u32(0)
                        .addr("10.1.1.3").addr("10.1.1.4").u8(47));
        d.send(FIREWALL, m.build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(2, got.size());
        assertEquals(NOW - 1_500, got.get(0).startMs());
        assertEquals(NOW, got.get(0).endMs());
        assertEquals(50, got.get(0).proto());
        assertEquals("10.1.1.3", got.get(1).src());
        assertEquals(47, got.get(1).proto());
    }

    @Test
    void readsRfc5103BiflowReverseCounters() {
        Decoding d = new Decoding();
        ExportDatagrams.Bytes t = new ExportDatagrams.Bytes().u16(256).u16(9)
                .u16(SRC_V4).u16(4).u16(DST_V4).u16(4).u16(SRC_PORT).u16(2).u16(DST_PORT).u16(2).u16(PROTOCOL).u16(1)
                .u16(PACKETS).u16(4).u16(0x8000 | PACKETS).u16(4).u32(29305).u16(6).u16(1)
                .u16(0x8000 | 6).u16(1).u32(29305);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0).set(2, t.bytes()).data(256, b -> b.addr("10.0.0.1")
                .addr("10.0.0.2").u16(40000).u16(80).u8(6).u32(5).u32(4).u8(0x1b).u8(0x12)).build(), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals(5, r.packets());
        assertTrue(r.reverse());
        assertEquals(4, r.reversePackets());
        assertEquals(0x1b, r.flags());
        assertEquals(0x12, r.reverseFlags());
    }

    @Test
    void ignoresAnIpfixTemplateWithdrawalOverUdp() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).build(), NOW);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0).set(2, new ExportDatagrams.Bytes().u16(256).u16(0).bytes()).build(),
                NOW);
        d.send(FIREWALL, Message.ipfix(SECS, 0, 0)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0)).build(), NOW);
        assertEquals(1, d.take().size());
        assertEquals(0, d.exporter(FIREWALL).malformed);
    }

    private static byte[] withSequence(byte[] ipfix, long sequence) {
        byte[] b = ipfix.clone();
        for (int i = 0; i < 4; i++) {
            b[8 + i] = (byte) (sequence >>> (24 - 8 * i));
        }
        return b;
    }
}
