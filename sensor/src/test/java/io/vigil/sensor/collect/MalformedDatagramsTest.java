package io.vigil.sensor.collect;

import io.vigil.sensor.collect.ExportDatagrams.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.vigil.sensor.collect.ExportDatagrams.FLOW_V4;
import static io.vigil.sensor.collect.ExportDatagrams.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad datagrams are counted against their exporter and cost at most themselves: the collector never stops. */
class MalformedDatagramsTest {

    static final long NOW = TemplateHandlingTest.NOW;
    static final long SECS = NOW / 1000;
    static final String FIREWALL = "192.0.2.1";

    private static byte[] good(long seq) {
        return Message.v9(1_000, SECS, seq, 0).template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900)).build();
    }

    @Test
    void aTruncatedOrUnknownDatagramIsCountedWithItsExporterAndTheNextOneDecodes() {
        Decoding d = new Decoding();
        byte[] good = good(1);
        d.send(FIREWALL, new byte[] {0, 9, 0}, NOW);
        d.send(FIREWALL, java.util.Arrays.copyOf(good, 17), NOW);
        d.send(FIREWALL, new byte[] {0, 7, 0, 0, 0, 0}, NOW);
        d.send(FIREWALL, java.util.Arrays.copyOf(ExportDatagrams.v5(1, SECS, 1, 0,
                new Object[] {"10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1L, 40L, 0L, 0L}), 24 + 30), NOW);
        d.send(FIREWALL, good(2), NOW);
        assertEquals(4, d.exporter(FIREWALL).malformed);
        assertEquals(1, d.take().size());
    }

    @Test
    void aSetRunningPastTheDatagramCostsTheRestOfThatDatagramOnly() {
        Decoding d = new Decoding();
        byte[] bad = good(1);
        bad[20 + 2] = 0x7f; // the template set claims 32 KiB
        d.send(FIREWALL, bad, NOW);
        assertEquals(1, d.exporter(FIREWALL).malformed);
        d.send(FIREWALL, good(2), NOW);
        assertEquals(1, d.take().size());
    }

    @Test
    void aRecordRunningPastItsSetCostsThatSetOnly() {
        Decoding d = new Decoding();
        // Template 300 has a variable-length field whose length byte points past the end of the set; template 256's
        // data set after it is still read.
        Message m = Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).template(300, 82, 65535, 8, 4)
                .data(300, b -> b.u8(200).u32(0x0a000001))
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0));
        d.send(FIREWALL, m.build(), NOW);
        assertEquals(1, d.exporter(FIREWALL).malformed);
        assertEquals(1, d.take().size());
    }

    @Test
    void aTemplateWithAZeroLengthFieldOrTooManyFieldsIsRefused() {
        Decoding d = new Decoding();
        d.send(FIREWALL, Message.v9(1_000, SECS, 1, 0).template(256, 8, 4, 12, 0).build(), NOW);
        int[] huge = new int[2 * (Template.MAX_FIELDS + 1)];
        for (int i = 0; i < huge.length; i += 2) {
            huge[i] = 1;
            huge[i + 1] = 4;
        }
        d.send(FIREWALL, Message.v9(1_000, SECS, 2, 0).template(257, huge).build(), NOW);
        d.send(FIREWALL, Message.v9(1_000, SECS, 3, 0).template(12, FLOW_V4).build(), NOW);
        assertEquals(3, d.exporter(FIREWALL).malformed);
        assertEquals(0, d.exporters.templates());
        assertEquals(1, d.exporters.templatesRejected);
    }

    @Test
    void garbageAndMangledDatagramsNeverThrowAndNeverStopTheDecoder() {
        Decoding d = new Decoding();
        Random random = new Random(20261207);
        List<byte[]> seeds = List.of(good(1),
                Message.ipfix(SECS, 0, 0).template(256, FLOW_V4).optionsTemplate(258, new int[] {149, 4},
                        new int[] {305, 4, 306, 4, 160, 8}).template(300, 82, 65535, 8, 4, 0x8000 | 5, 4)
                        .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0)).build(),
                ExportDatagrams.v5(1, SECS, 1, 0, new Object[] {"10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1L, 40L, 0L, 0L}));
        int sent = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            if (i % 5 == 0) {
                b = new byte[2 + random.nextInt(1500)];
                random.nextBytes(b);
                b[0] = 0;
                b[1] = (byte) (5 + random.nextInt(2) * 4 + random.nextInt(2)); // a version read here, or one off
            } else {
                b = seeds.get(random.nextInt(seeds.size())).clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
                }
            }
            // From many exporters: each keeps its own templates, as a real flood would spread them.
            d.send("192.0.2." + (1 + random.nextInt(200)), b, NOW + i);
            sent++;
            d.take();
        }
        long malformed = d.exporters.all().stream().mapToLong(e -> e.malformed).sum();
        assertTrue(malformed > sent / 10, "most mangled datagrams are caught: " + malformed);
        d.send("198.51.100.1", good(1), NOW + sent);
        assertEquals(1, d.take().size(), "a clean exporter still decodes after the storm");
    }
}
