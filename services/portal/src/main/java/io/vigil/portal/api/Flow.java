package io.vigil.portal.api;

import java.time.Instant;
import java.util.Set;

/**
 * One flow behind an alert (detection's drill-down): metered by the sensor, read from a Zeek conn log ({@code zeekUid})
 * or reported by a NetFlow/IPFIX exporter ({@code exporter}, {@code samplingRate}).
 */
public record Flow(long startMs, long endMs, String source, int sourcePort, String target, int port, int protocol,
                   String connState, String history, long origPackets, long origBytes, long respPackets,
                   long respBytes, int icmpType, int icmpReply, String zeekUid, String exporter, long samplingRate) {

    private static final Set<String> FAILED_TCP = Set.of("S0", "REJ", "RSTOS0", "SH");
    private static final Set<String> FAILED_UDP = Set.of("S0", "REJ");

    /** Failed exactly as detection counts it: no answer, refused, or an ICMP error (FlowReader's rule). */
    public boolean failed() {
        if (icmpReply != 0) {
            return true;
        }
        return switch (protocol) {
            case 6 -> FAILED_TCP.contains(connState);
            case 17 -> FAILED_UDP.contains(connState);
            default -> respPackets == 0;
        };
    }

    /** Where the flow came from, for an analyst to look it up there: "Zeek C1a2…", "exporter 192.0.2.1 (1 in 100)". */
    public String origin() {
        if (zeekUid != null) {
            return "Zeek " + zeekUid;
        }
        if (exporter != null) {
            return "exporter " + exporter + (samplingRate > 1 ? " (1 in " + samplingRate + ")" : "");
        }
        return "sensor";
    }

    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    /** "22/tcp", as detection names a probed service. */
    public String service() {
        return port + "/" + switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1, 58 -> "icmp";
            default -> String.valueOf(protocol);
        };
    }
}
