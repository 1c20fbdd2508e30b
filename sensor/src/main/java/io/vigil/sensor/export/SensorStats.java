package io.vigil.sensor.export;

import java.util.List;

/**
 * What the capture side reports for status and heartbeat: read from other threads, so values may be a moment old.
 *
 * @param interfaces per-interface counters (empty for a replay)
 * @param fragments  IP fragment reassembly counters (see MeterCounters for each one's meaning)
 */
public record SensorStats(long packetsSeen, long packetsDropped, long packetsUndecodable, long flowsExported,
                          long activeFlows, List<Interface> interfaces, Fragments fragments) {

    /** Fragments received, and what became of the datagrams they belong to. */
    public record Fragments(long received, long reassembled, long timedOut, long evicted, long tooLarge,
                            long badLength, long tooFragmented, long overlaps, long overlapsInconsistent) {
        public static final Fragments NONE = new Fragments(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** One capture interface: packets the kernel handed over and the ones it dropped (pcap_stats). */
    public record Interface(String name, long received, long dropped) {
    }
}
