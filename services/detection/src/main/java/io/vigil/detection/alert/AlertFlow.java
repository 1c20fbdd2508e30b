package io.vigil.detection.alert;

/**
 * One flow behind an alert, as the sensor metered it (or read it from a Zeek conn log, or received it from a NetFlow/IPFIX
 * exporter).
 *
 * @param startMs   first packet, epoch ms
 * @param endMs     last packet, epoch ms
 * @param connState Zeek-style connection state (S0: no answer, REJ: refused, SF: normal close, …)
 * @param history   Zeek-style history letters
 * @param icmpReply the ICMP error type/code the target answered with (0: none)
 * @param zeekUid   the Zeek conn uid of a flow read from a Zeek conn log, to find the connection in the customer's own
 *                  Zeek logs; null otherwise
 * @param exporter  the address of the NetFlow/IPFIX exporter (a firewall or router) that reported the flow; null for
 *                  flows metered from packets or read from Zeek
 * @param samplingRate the exporter's packet sampling, 1 in N (counts are already scaled by it); 0 for flows metered
 *                  from packets or read from Zeek
 */
public record AlertFlow(long startMs, long endMs, String source, int sourcePort, String target, int port, int protocol,
                       String connState, String history, long origPackets, long origBytes, long respPackets,
                       long respBytes, int icmpType, int icmpReply, String zeekUid, String exporter,
                       long samplingRate) {
}
