package io.vigil.sensor.export;

import java.util.List;
import java.util.Map;

/**
 * What the capture side reports for status and heartbeat: read from other threads, so values may be a moment old.
 *
 * @param interfaces per-interface counters (empty for a replay; one per exporter for the collector)
 * @param fragments  IP fragment reassembly counters (see MeterCounters for each one's meaning)
 * @param details    more counters for the status file, written as they are (the collector's, per exporter)
 */
public record SensorStats(long packetsSeen, long packetsDropped, long packetsUndecodable, long flowsExported,
                          long activeFlows, List<Interface> interfaces, Fragments fragments,
                          Map<String, String> details) {

    public SensorStats(long packetsSeen, long packetsDropped, long packetsUndecodable, long flowsExported,
                       long activeFlows, List<Interface> interfaces, Fragments fragments) {
        this(packetsSeen, packetsDropped, packetsUndecodable, flowsExported, activeFlows, interfaces, fragments,
                Map.of());
    }

    /** Fragments received, and what became of the datagrams they belong to. */
    public record Fragments(long received, long reassembled, long timedOut, long evicted, long tooLarge,
                            long badLength, long tooFragmented, long overlaps, long overlapsInconsistent) {
        public static final Fragments NONE = new Fragments(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** One capture interface: packets the kernel handed over and the ones it dropped (pcap_stats). */
    public record Interface(String name, long received, long dropped) {
    }
}
