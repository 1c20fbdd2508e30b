package io.vigil.sensor.export;

import java.util.List;

/**
 * What the capture side reports for status and heartbeat: read from other threads, so values may be a moment old.
 *
 * @param interfaces per-interface counters (empty for a replay)
 */
public record SensorStats(long packetsSeen, long packetsDropped, long packetsUndecodable, long flowsExported,
                          long activeFlows, List<Interface> interfaces) {

    /** One capture interface: packets the kernel handed over and the ones it dropped (pcap_stats). */
    public record Interface(String name, long received, long dropped) {
    }
}
