package io.vigil.detection.alert;

/**
 * One flow behind an alert, as the sensor metered it.
 *
 * @param startMs   first packet, epoch ms
 * @param endMs     last packet, epoch ms
 * @param connState Zeek-style connection state (S0: no answer, REJ: refused, SF: normal close, …)
 * @param history   Zeek-style history letters
 * @param icmpReply the ICMP error type/code the target answered with (0: none)
 */
public record AlertFlow(long startMs, long endMs, String source, int sourcePort, String target, int port, int protocol,
                       String connState, String history, long origPackets, long origBytes, long respPackets,
                       long respBytes, int icmpType, int icmpReply) {
}
