package io.vigil.sensor.collect;

import io.vigil.sensor.collect.ExportDatagrams.Message;
import io.vigil.sensor.it.Tools;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.IpText;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.vigil.sensor.collect.ExportDatagrams.FLOW_V4;
import static io.vigil.sensor.collect.ExportDatagrams.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector over real UDP sockets on loopback: several exporters at once, garbage among them, flushed on stop. */
class CollectorTest {

    @Test
    void oneCollectorTakesTwoExportersAndGarbageDoesNotStopIt() throws Exception {
        List<MeteredFlow> flows = Collections.synchronizedList(new ArrayList<>());
        CollectorConfig config = CollectorConfig.defaults(List.of(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0))).withExporters(List.of(Cidr.parse("127.0.0.1"),
                Cidr.parse("127.0.0.2")));
        long secs = System.currentTimeMillis() / 1000;
        try (Collector collector = Collector.open(config, MeterConfig.defaults().withMaxFlows(1024), flows::add);
             DatagramSocket firewall1 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket firewall2 = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.3", 0))) {
            Thread loop = Tools.inBackground(collector);
            InetSocketAddress netflow = collector.boundAddresses().get(0);
            InetSocketAddress ipfix = collector.boundAddresses().get(1);
            // Both firewalls see the same connection (a site with two paths): two flows, never one.
            send(firewall1, netflow, Message.v9(60_000, secs, 1, 0).template(256, FLOW_V4)
                    .data(256, flow("10.0.0.1", "10.0.0.2", 40000, 443, 6, 0x1b, 9, 900, 59_000, 59_500),
                            flow("10.0.0.2", "10.0.0.1", 443, 40000, 6, 0x1b, 7, 4000, 59_001, 59_501)).build());
            send(firewall1, netflow, new byte[] {0, 9, 1, 2, 3});
            send(stranger, netflow, Message.v9(60_000, secs, 1, 0).template(256, FLOW_V4)
                    .data(256, flow("10.6.6.6", "10.0.0.2", 1, 2, 6, 2, 1, 40, 59_000, 59_000)).build());
            send(firewall2, ipfix, Message.ipfix(secs, 0, 3).template(256, FLOW_V4)
                    .data(256, flow("10.0.0.1", "10.0.0.2", 40000, 443, 6, 0x1b, 9, 900, 0, 0)).build());
            send(firewall2, ipfix, new byte[] {0, 10, 0, 16, 0, 0});
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (collector.stitcher().records() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            collector.stop();
            loop.join(10_000);
            Map<String, List<MeteredFlow>> byExporter = flows.stream()
                    .collect(Collectors.groupingBy(f -> IpText.of(f.source().exporter())));
            assertEquals(List.of("127.0.0.1", "127.0.0.2"), byExporter.keySet().stream().sorted().toList());
            MeteredFlow both = byExporter.get("127.0.0.1").get(0);
            assertEquals(9, both.origPackets());
            assertEquals(7, both.respPackets());
            assertEquals(1, byExporter.get("127.0.0.2").size());
            assertEquals(1, collector.exporters().refusedDatagrams, "the stranger is not in the allow-list");
            long malformed = collector.exporters().all().stream().mapToLong(e -> e.malformed).sum();
            assertEquals(2, malformed);
            assertTrue(collector.details().get("exporter.127.0.0.1.records").equals("2"), collector.details().toString());
        }
    }

    private static void send(DatagramSocket from, InetSocketAddress to, byte[] datagram) throws Exception {
        from.send(new DatagramPacket(datagram, datagram.length, to));
    }
}
