package io.vigil.detection.model;

import java.util.Map;

/**
 * The bytes one source exchanged with one host on one service, summed over its flows (over the new batches, or over a
 * span of the roll-up): what the families that judge volumes read, such as uploads.
 *
 * @param port      the responder port; 0 for ICMP
 * @param bytesOut  IP bytes the source sent
 * @param bytesIn   IP bytes the host sent back
 * @param recent    whether the bytes fall in the family's short window (the last hour) rather than before it
 * @param firstMs   first packet (or the roll-up's first minute), epoch ms
 * @param lastMs    last packet (or the end of the roll-up's last minute), epoch ms
 * @param outByMinute {@code bytesOut} by the roll-up's minute (epoch ms of its start), for the recent part of a span
 *                    of the roll-up; empty otherwise
 */
public record Transfer(String source, String host, int port, int protocol, long bytesOut, long bytesIn, boolean recent,
                       long firstMs, long lastMs, Map<Long, Long> outByMinute) {

    public Transfer {
        outByMinute = Map.copyOf(outByMinute);
    }

    /** A transfer without its bytes by minute: summed over new batches, or over the older part of a span. */
    public Transfer(String source, String host, int port, int protocol, long bytesOut, long bytesIn, boolean recent, long firstMs,
                    long lastMs) {
        this(source, host, port, protocol, bytesOut, bytesIn, recent, firstMs, lastMs, Map.of());
    }

    public String service() {
        return port + "/" + Attempt.protocolName(protocol);
    }
}
