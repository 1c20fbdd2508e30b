package io.vigil.sensor.collect;

import io.vigil.sensor.collect.ExportDatagrams.Message;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static io.vigil.sensor.collect.ExportDatagrams.FLOW_V4;
import static io.vigil.sensor.collect.ExportDatagrams.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Memory stays bounded whatever templates, domains and exporters arrive, and a flooder pays before the others. */
class TemplateFloodTest {

    static final long NOW = TemplateHandlingTest.NOW;
    static final long SECS = NOW / 1000;
    static final String FIREWALL = "192.0.2.1";

    private static CollectorConfig bounded(long bytes, int perSource, int sources) {
        return CollectorConfig.defaults(List.of(new InetSocketAddress(0))).withTemplateBounds(bytes, perSource, sources);
    }

    private static byte[] data(long seq) {
        return Message.v9(1_000, SECS, seq, 0).data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900))
                .build();
    }

    @Test
    void aFloodOfTemplateIdsFromOneExporterEvictsOnlyItsOwn() {
        Decoding d = new Decoding(bounded(1 << 20, 256, 1024));
        d.send(FIREWALL, Message.v9(1_000, SECS, 1, 0).template(256, FLOW_V4).build(), NOW);
        for (int id = 256; id < 65536; id++) {
            d.send("203.0.113.66", Message.v9(1_000, SECS, id, 0).template(id, FLOW_V4).build(), NOW);
        }
        assertEquals(256, d.exporters.templates() - 1, "the flooder keeps its latest 256");
        assertTrue(d.exporters.templatesEvicted >= 65_280 - 256);
        d.send(FIREWALL, data(2), NOW);
        assertEquals(1, d.take().size(), "the firewall's template survived");
    }

    @Test
    void floodsFromManyDomainsAndExportersStayWithinTheByteBound() {
        long bound = 256 << 10;
        Decoding d = new Decoding(bounded(bound, 256, 4096));
        d.send(FIREWALL, Message.v9(1_000, SECS, 1, 0).template(256, FLOW_V4).build(), NOW);
        int[] wide = new int[2 * 200];
        for (int i = 0; i < wide.length; i += 2) {
            wide[i] = 1000 + i;
            wide[i + 1] = 4;
        }
        long peak = 0;
        for (int i = 0; i < 20_000; i++) {
            // 20,000 templates of 200 fields over 100 exporters and 50 domains each: 66 MB if all were kept.
            d.send("203.0.113." + (i % 100), Message.ipfix(SECS, 0, i % 5000).template(256 + i % 1000, wide).build(),
                    NOW);
            peak = Math.max(peak, d.exporters.templateBytes());
        }
        assertTrue(peak <= bound, "template memory peaked at " + peak + " bytes, bound " + bound);
        assertTrue(d.exporters.sources() <= 4096);
        d.send(FIREWALL, data(2), NOW);
        assertEquals(1, d.take().size(), "the firewall's small template is never the biggest holder's");
    }

    @Test
    void datagramsFromOutsideTheAllowListOrBeyondTheExporterBoundAreDroppedAndCounted() {
        CollectorConfig c = bounded(1 << 20, 256, 1024).withExporters(List.of(Cidr.parse("192.0.2.0/24")));
        Decoding d = new Decoding(c);
        d.send("198.51.100.7", Message.v9(1_000, SECS, 1, 0).template(256, FLOW_V4)
                .data(256, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900)).build(), NOW);
        assertEquals(List.of(), d.take());
        assertEquals(1, d.exporters.refusedDatagrams);
        assertEquals(0, d.exporters.templates(), "nothing of a refused sender is kept");
        d.send(FIREWALL, Message.v9(1_000, SECS, 1, 0).template(256, FLOW_V4).build(), NOW);
        d.send(FIREWALL, data(2), NOW);
        assertEquals(1, d.take().size());
    }
}
